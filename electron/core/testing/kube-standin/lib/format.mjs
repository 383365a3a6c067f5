/**
 * Go-style text formatting the real tools use: text/tabwriter columns (kubectl: minwidth 6,
 * padding 3; kubeadm tables: minwidth 10, padding 3), apimachinery's HumanDuration (kubectl AGE)
 * and ShortHumanDuration (kubeadm's RESIDUAL TIME and token TTL), Go's "Jan 02, 2006 15:04 MST".
 */

/**
 * Aligns rows like tabwriter: every cell but the last of a row is padded to its column's width
 * (the widest cell + padding, at least minwidth); the last cell is written as is.
 */
export function tabwrite(rows, { minwidth = 6, padding = 3 } = {}) {
  const widths = [];
  for (const row of rows) {
    row.slice(0, -1).forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, minwidth, String(cell).length + padding);
    });
  }
  return rows.map((row) => row.map((cell, i) => (i < row.length - 1 ? String(cell).padEnd(widths[i]) : String(cell))).join(''));
}

/** kubectl's AGE column (k8s.io/apimachinery/pkg/util/duration.HumanDuration). */
export function humanDuration(ms) {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** kubeadm's residual times (duration.ShortHumanDuration). */
export function shortHumanDuration(ms) {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  if (seconds < 86_400 * 365) return `${Math.floor(seconds / 86_400)}d`;
  return `${Math.floor(seconds / 86_400 / 365)}y`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n) => String(n).padStart(2, '0');

/** Go's "Jan 02, 2006 15:04 MST" in UTC, as check-expiration prints it. */
export function certDate(date) {
  return `${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())}, ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())} UTC`;
}

/** RFC 3339 without fractions, as Kubernetes serialises metav1.Time. */
export function rfc3339(date = new Date()) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** journald's short format prefix: "Nov 24 08:12:01". */
export function journalTime(date = new Date()) {
  return `${MONTHS[date.getMonth()]} ${String(date.getDate()).padStart(2, ' ')} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** klog's header: "I1124 08:12:01.123456    4242 file.go:123] ". */
export function klog(level, file, date = new Date(), pid = process.pid) {
  const micros = String(date.getMilliseconds() * 1000 + Math.floor(Math.random() * 1000)).padStart(6, '0');
  return `${level}${two(date.getMonth() + 1)}${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${micros} ${String(pid).padStart(7)} ${file}] `;
}

/** A Go duration like "501.341993ms" or "4m0.000580205s" for a number of milliseconds. */
export function goDuration(ms) {
  if (ms < 1000) return `${ms.toFixed(6).replace(/0+$/, '').replace(/\.$/, '')}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = ((ms % 60_000) / 1000).toFixed(9).replace(/0+$/, '').replace(/\.$/, '');
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

/** Random lower-case letters and digits, as Kubernetes' generated names use (rand.String, no vowels). */
export function randomSuffix(length = 5) {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}
