/**
 * Shell building blocks shared by the built-in recipes. Every value that reaches a script is
 * quoted here, even when the schema already restricts it: the scripts run as root.
 */
import { shellQuote as q } from '../ssh/remote-command';

export { q };

/** Check: every package is installed (dpkg's view). */
export function packagesInstalled(packages: readonly string[]): string {
  return `missing=""
for p in ${packages.map(q).join(' ')}; do
  dpkg-query -W -f='\${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then echo "not installed:$missing"; exit 1; fi
echo "installed: ${packages.join(' ')}"`;
}

/**
 * Apply: install packages with apt. The package lists are refreshed when older than an hour, and
 * apt waits for the dpkg lock (cloud-init or unattended-upgrades often hold it on a fresh node)
 * instead of failing at once.
 */
export function aptInstall(packages: readonly string[]): string {
  return `APT="apt-get -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -60 2>/dev/null | head -n 1)" ]; then
  $APT update || { echo "apt-get update failed: check the node's network and /etc/apt/sources.list" >&2; exit 2; }
fi
$APT install -y --no-install-recommends ${packages.map(q).join(' ')}`;
}

/** Check: the file holds exactly this content with this mode (octal, e.g. 644). */
export function fileIs(path: string, content: string, mode: string): string {
  return `f=${q(path)}
[ -f "$f" ] || { echo "$f is missing"; exit 1; }
printf '%s' ${q(content)} | cmp -s - "$f" || { echo "$f differs from what Rackpilot manages"; exit 1; }
[ "$(stat -c %a "$f")" = ${q(mode)} ] || { echo "$f has mode $(stat -c %a "$f"), want ${mode}"; exit 1; }
echo "$f is up to date"`;
}

/**
 * Keeps the first version of a file Rackpilot replaces under /var/backups/rackpilot/<path>: not
 * beside it, where apt, sudo or sysctl might read (or complain about) the copy.
 */
export function backupOnce(path: string): string {
  return `b=/var/backups/rackpilot${q(path)}
if [ -f ${q(path)} ] && [ ! -f "$b" ]; then mkdir -p "$(dirname "$b")" && cp -p ${q(path)} "$b"; fi`;
}

/** Apply: write the file atomically (temp file beside it, then rename), keeping a backup once. */
export function writeFile(path: string, content: string, mode: string): string {
  return `f=${q(path)}
mkdir -p "$(dirname "$f")"
${backupOnce(path)}
tmp="$(dirname "$f")/.rackpilot.$$"
printf '%s' ${q(content)} > "$tmp" && chmod ${q(mode)} "$tmp" && mv -f "$tmp" "$f"`;
}

/** Check: a systemd unit is enabled and running. */
export function serviceRunning(unit: string): string {
  return `u=${q(unit)}
command -v systemctl >/dev/null || { echo "systemctl not found: this recipe needs systemd" >&2; exit 2; }
e=$(systemctl is-enabled "$u" 2>/dev/null); a=$(systemctl is-active "$u" 2>/dev/null)
[ "$e" = enabled ] && [ "$a" = active ] && { echo "$u is enabled and running"; exit 0; }
echo "$u is \${e:-unknown} and \${a:-unknown}"; exit 1`;
}
