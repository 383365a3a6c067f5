/**
 * The reports cluster jobs return, as the page shows them (pure): a preflight report grouped per
 * node, a clean-wipe report, and certificate expiry. Job results arrive as `unknown`: each reader
 * checks the shape before trusting it.
 */
import type { CleanWipeReport, ClusterStatus, PreflightCheck, PreflightReport, PreflightStatus } from '../../../shared/domain/cluster-record';
import type { Job } from '../../../shared/domain/job';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A preflight job's result, or null when the job has none (yet). */
export function preflightReportOf(job: Pick<Job, 'result'> | null | undefined): PreflightReport | null {
  const r = job?.result;
  return isObject(r) && Array.isArray(r.checks) && typeof r.ok === 'boolean' ? (r as unknown as PreflightReport) : null;
}

/** A teardown's or wipe check's report: the job's result itself, or its `wipe` (teardown returns { backup, wipe }). */
export function wipeReportOf(job: Pick<Job, 'result'> | null | undefined): CleanWipeReport | null {
  const r = job?.result;
  const report = isObject(r) && isObject(r.wipe) ? r.wipe : r;
  return isObject(report) && Array.isArray(report.nodes) && typeof report.checkedAt === 'string' ? (report as unknown as CleanWipeReport) : null;
}

export interface CheckGroup {
  /** Node id, or null for checks about the cluster as a whole. */
  nodeId: string | null;
  title: string;
  checks: PreflightCheck[];
  counts: Record<PreflightStatus, number>;
}

/**
 * One group per node in the order given (the cluster's control planes, then workers), then the
 * checks about the whole cluster; failures first inside a group, so they are read first.
 */
export function groupPreflight(report: PreflightReport, nodes: readonly { id: string; name: string }[]): CheckGroup[] {
  const order: (string | null)[] = [...nodes.map((n) => n.id), ...report.checks.map((c) => c.nodeId).filter((id) => id !== null && !nodes.some((n) => n.id === id)), null];
  const rank: Record<PreflightStatus, number> = { fail: 0, warn: 1, pass: 2 };
  const groups: CheckGroup[] = [];
  for (const nodeId of new Set(order)) {
    const checks = report.checks.filter((c) => c.nodeId === nodeId).sort((a, b) => rank[a.status] - rank[b.status]);
    if (checks.length === 0) continue;
    const counts = { pass: 0, warn: 0, fail: 0 };
    for (const c of checks) counts[c.status]++;
    const title = nodeId === null ? 'Whole cluster' : (nodes.find((n) => n.id === nodeId)?.name ?? nodeId);
    groups.push({ nodeId, title, checks, counts });
  }
  return groups;
}

/** "2 failed · 1 warning · 14 passed" */
export function countsLine(counts: Record<PreflightStatus, number>): string {
  const parts = [counts.fail ? `${counts.fail} failed` : '', counts.warn ? `${counts.warn} warning${counts.warn === 1 ? '' : 's'}` : '', `${counts.pass} passed`];
  return parts.filter(Boolean).join(' · ');
}

export const CHECK_ICON: Record<PreflightStatus, string> = { pass: '✓', warn: '!', fail: '✕' };
export const CHECK_LABEL: Record<PreflightStatus, string> = { pass: 'passed', warn: 'warning', fail: 'failed' };

/** Certificates expiring within this many days are called out. */
export const CERT_WARN_DAYS = 30;

export interface CertExpiry {
  earliest: string;
  /** Days left on the certificate that expires first. */
  days: number | null;
  warn: boolean;
}

/** The earliest certificate expiry, with its days left taken from the report (not from the clock). */
export function certExpiry(certificates: ClusterStatus['certificates']): CertExpiry | null {
  if (!certificates?.earliestExpiry) return null;
  const days = certificates.certs.length > 0 ? Math.min(...certificates.certs.map((c) => c.residualDays)) : null;
  return { earliest: certificates.earliestExpiry, days, warn: days !== null && days < CERT_WARN_DAYS };
}
