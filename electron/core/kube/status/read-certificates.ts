/**
 * When the cluster's certificates expire, from `kubeadm certs check-expiration` on a control
 * plane. kubeadm's client certificates last one year; an expired admin.conf or apiserver
 * certificate is the classic "my cluster stopped working after a year" — the Clusters page shows
 * the earliest expiry so it is seen coming. Null when the node cannot say (kubeadm missing,
 * the cluster reset, the command failed): the status is then shown without the date.
 */
import type { ClusterStatus } from '../../../../shared/domain/cluster-record';
import { parseCertExpiration, type CertExpiry } from '../output/cert-expiration';
import type { KubeNode, Remote } from '../remote';

export type CertificateReading = NonNullable<ClusterStatus['certificates']>;

const DAY_MS = 86_400_000;

function residualDays(cert: CertExpiry, now: number): number {
  if (cert.expiresAt) return Math.floor((Date.parse(cert.expiresAt) - now) / DAY_MS);
  return Math.floor((cert.residualSeconds ?? 0) / 86_400);
}

/** Certificate rows and CA rows of the printed tables, reduced to name/expiry/days left. */
export function certificatesFrom(output: string, now = Date.now()): CertificateReading | null {
  const parsed = parseCertExpiration(output);
  const rows = [...parsed.certificates, ...parsed.authorities].filter((c) => c.present && c.expires !== null);
  if (!rows.length) return null;
  const certs = rows.map((c) => ({ name: c.name, expires: c.expiresAt ?? c.expires ?? '', residualDays: residualDays(c, now) }));
  const dated = rows.map((c) => c.expiresAt).filter((d): d is string => d !== null).sort();
  return { earliestExpiry: dated[0] ?? null, certs };
}

export async function readCertificates(remote: Remote, node: KubeNode, signal?: AbortSignal): Promise<CertificateReading | null> {
  const result = await remote.run(node, 'kubeadm certs check-expiration', { timeoutMs: 60_000, ...(signal ? { signal } : {}) });
  if (result.exitCode !== 0) return null;
  return certificatesFrom(result.stdout);
}
