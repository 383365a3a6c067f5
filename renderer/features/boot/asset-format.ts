import { ErrorCode } from '../../../shared/errors';
/** How the Assets section words sizes, verification, and the "no checksum" refusal. */
import type { AssetStatus } from '../../../shared/domain/asset';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** Size column: what is on disk, against the expected size when known. */
export function sizeText(a: AssetStatus): string {
  const expected = a.entry.size;
  if (a.state === 'ready') return formatBytes(a.bytes);
  if (a.bytes > 0) return expected ? `${formatBytes(a.bytes)} of ~${formatBytes(expected)}` : `${formatBytes(a.bytes)} so far`;
  return expected ? `~${formatBytes(expected)}` : 'size unknown';
}

export function verificationText(a: AssetStatus): string {
  switch (a.verification) {
    case 'pinned':
      return 'SHA-256 matches the one pinned in this build';
    case 'published-sums':
      return 'SHA-256 matches the published checksum';
    case 'unverified':
      return 'Not verified: compare the SHA-256 with the publisher’s';
    default:
      if (a.entry.sha256) return 'Will be checked against a pinned SHA-256';
      if (a.entry.sums) return 'Will be checked against the publisher’s SHA256SUMS';
      return a.entry.url ? 'No published checksum' : 'Built locally: import it';
  }
}

/**
 * Whether a refused or failed download can go ahead only with explicit consent: the core says so
 * with E_CHECKSUM_UNKNOWN (no pinned hash, and no published one).
 */
export function needsUnverifiedConsent(code: string | null | undefined): boolean {
  return code === ErrorCode.ChecksumUnknown;
}
