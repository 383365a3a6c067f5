/**
 * `kubeadm certs check-expiration`'s text tables (certTextPrinter in cmd/kubeadm/app/cmd/certs.go;
 * https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/):
 *
 *   CERTIFICATE                EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED
 *   admin.conf                 Nov 23, 2027 09:17 UTC   364d            ca                      no
 *   !MISSING! apiserver-etcd-client
 *
 *   CERTIFICATE AUTHORITY   EXPIRES                  RESIDUAL TIME   EXTERNALLY MANAGED
 *   ca                      Nov 21, 2036 09:16 UTC   9y              no
 *
 * Dates use Go's "Jan 02, 2006 15:04 MST"; the residual time is apimachinery's
 * duration.ShortHumanDuration ("<invalid>" once expired, then 0s/45s/12m/23h/364d/9y). Kubeconfig
 * rows printed by kubeadm before 1.24 had an empty CA column.
 */

export interface CertExpiry {
  name: string;
  /** False for a `!MISSING!` row: kubeadm manages the file but it is not on disk. */
  present: boolean;
  /** As printed, e.g. "Nov 23, 2027 09:17 UTC"; null when missing. */
  expires: string | null;
  /** ISO 8601, when the printed zone is UTC/GMT (x509 dates are; other zones are left unparsed). */
  expiresAt: string | null;
  /** As printed, e.g. "364d" or "<invalid>". */
  residual: string | null;
  /** Lower bound of the residual time in seconds (the printed unit truncates); null if unknown. */
  residualSeconds: number | null;
  expired: boolean;
  /** The signing CA's name (certificate rows only; empty in old kubeadm for kubeconfig files). */
  certificateAuthority: string | null;
  externallyManaged: boolean;
}

export interface CertExpiration {
  certificates: CertExpiry[];
  authorities: CertExpiry[];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DATE = String.raw`([A-Z][a-z]{2}) (\d{2}), (\d{4}) (\d{2}):(\d{2}) ([A-Z0-9+-]+)`;
const CERT_ROW = new RegExp(String.raw`^(\S+)\s+${DATE}\s+(\S+)\s+(?:(\S+)\s+)?(yes|no)\s*$`);
const CA_ROW = new RegExp(String.raw`^(\S+)\s+${DATE}\s+(\S+)\s+(yes|no)\s*$`);
const MISSING_ROW = /^!MISSING!\s+(\S+)/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, y: 365 * 86_400 };

export function parseCertExpiration(text: string): CertExpiration {
  const result: CertExpiration = { certificates: [], authorities: [] };
  let section: CertExpiry[] | null = null;
  let isCaTable = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (/^CERTIFICATE AUTHORITY\s+EXPIRES\b/.test(line)) [section, isCaTable] = [result.authorities, true];
    else if (/^CERTIFICATE\s+EXPIRES\b/.test(line)) [section, isCaTable] = [result.certificates, false];
    else if (section && line !== '') {
      const row = isCaTable ? readCaRow(line) : readCertRow(line);
      if (row) section.push(row);
    }
  }
  return result;
}

function readCertRow(line: string): CertExpiry | null {
  const missing = MISSING_ROW.exec(line);
  if (missing) return missingRow(missing[1] ?? '');
  const m = CERT_ROW.exec(line);
  if (!m) return null;
  return row(m[1] ?? '', m.slice(2, 8), m[8] ?? '', m[9] ?? null, m[10] === 'yes');
}

function readCaRow(line: string): CertExpiry | null {
  const missing = MISSING_ROW.exec(line);
  if (missing) return missingRow(missing[1] ?? '');
  const m = CA_ROW.exec(line);
  if (!m) return null;
  return row(m[1] ?? '', m.slice(2, 8), m[8] ?? '', null, m[9] === 'yes');
}

function row(name: string, date: (string | undefined)[], residual: string, ca: string | null, external: boolean): CertExpiry {
  const [mon = '', day = '', year = '', hour = '', minute = '', zone = ''] = date;
  const month = MONTHS.indexOf(mon);
  const utc = zone === 'UTC' || zone === 'GMT';
  const expiresAt = utc && month >= 0 ? new Date(Date.UTC(+year, month, +day, +hour, +minute)).toISOString() : null;
  return {
    name,
    present: true,
    expires: `${mon} ${day}, ${year} ${hour}:${minute} ${zone}`,
    expiresAt,
    residual,
    residualSeconds: residualSeconds(residual),
    expired: residual === '<invalid>',
    certificateAuthority: ca,
    externallyManaged: external,
  };
}

function missingRow(name: string): CertExpiry {
  return {
    name,
    present: false,
    expires: null,
    expiresAt: null,
    residual: null,
    residualSeconds: null,
    expired: false,
    certificateAuthority: null,
    externallyManaged: false,
  };
}

function residualSeconds(residual: string): number | null {
  if (residual === '<invalid>') return 0;
  const m = /^(\d+)([smhdy])$/.exec(residual);
  return m ? Number(m[1]) * (UNIT_SECONDS[m[2] ?? ''] ?? 0) : null;
}
