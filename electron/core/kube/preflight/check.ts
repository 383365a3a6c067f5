/** Small shared pieces of the preflight checks: the node as they see it, and a check builder. */
import type { PreflightCheck, PreflightStatus } from '../../../../shared/domain/cluster-record';

/** A cluster member as the pure checks need it (a KubeNode without the SSH target). */
export interface PreflightNode {
  id: string;
  name: string;
  address: string;
  role: 'control-plane' | 'worker';
  /** The SSH login, for fixes that name it (the sudoers line). */
  user: string;
}

export function check(id: string, nodeId: string | null, title: string, status: PreflightStatus, message: string, fix: string | null = null): PreflightCheck {
  return { id, nodeId, title, status, message, fix: status === 'pass' ? null : fix };
}

export const MIB = 1024;

/** "1.9 GiB" / "900 MiB" from KiB. */
export function formatKiB(kib: number): string {
  const mib = kib / MIB;
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${Math.round(mib)} MiB`;
}

/** "a, b and c" */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
