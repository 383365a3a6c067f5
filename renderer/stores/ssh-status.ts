/**
 * SSH as the node panel shows it: the pooled connection's state per node (`nodes.sshStatus`, then
 * `ssh.status` events) and Rackpilot's own public key (`ssh.publicKey`). Both are fetched the first
 * time a node panel opens, not at start-up.
 */
import { create } from 'zustand';
import type { SshConnectionStatus, SshPublicKey } from '../../shared/domain/ssh';
import { errorMessage, rpc } from '../rpc/api';
import { coalesce } from './coalesce';
import { onReconnected, subscribeOnce } from './follow';

interface SshStatusStore {
  byNode: Record<string, SshConnectionStatus>;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  publicKey: { status: 'idle' | 'loading' | 'ready' | 'error'; key: SshPublicKey | null; error: string | null };
}

export const useSshStatus = create<SshStatusStore>()(() => ({
  byNode: {},
  status: 'idle',
  error: null,
  publicKey: { status: 'idle', key: null, error: null },
}));

/**
 * Applies statuses in order; a status older than the one held is ignored (a list fetched before an
 * event arrived must not roll it back). Pure; exported for tests.
 */
export function applySshStatuses(byNode: Record<string, SshConnectionStatus>, statuses: readonly SshConnectionStatus[]): Record<string, SshConnectionStatus> {
  let next = byNode;
  for (const s of statuses) {
    const have = next[s.nodeId];
    if (have && have.since > s.since) continue;
    if (next === byNode) next = { ...byNode };
    next[s.nodeId] = s;
  }
  return next;
}

const pending = coalesce<SshConnectionStatus>((statuses) => useSshStatus.setState((s) => ({ byNode: applySshStatuses(s.byNode, statuses) })));

async function loadSshStatus(): Promise<void> {
  pending.hold();
  useSshStatus.setState((s) => (s.status === 'ready' ? s : { status: 'loading' }));
  try {
    const statuses = await rpc().call('nodes.sshStatus', {});
    useSshStatus.setState((s) => ({ byNode: applySshStatuses(s.byNode, statuses), status: 'ready', error: null }));
  } catch (err) {
    useSshStatus.setState({ status: 'error', error: errorMessage(err) });
  } finally {
    pending.release();
  }
}

let following = false;

/** Starts following connection states (idempotent). */
export function followSshStatus(): void {
  if (following) return;
  following = true;
  subscribeOnce('ssh-status', 'ssh.status', (s) => pending.push(s));
  onReconnected(() => void loadSshStatus());
  void loadSshStatus();
}

/** Fetches Rackpilot's public key once (it does not change while the core runs). */
export async function loadPublicKey(): Promise<void> {
  const current = useSshStatus.getState().publicKey;
  if (current.status === 'loading' || current.status === 'ready') return;
  useSshStatus.setState({ publicKey: { status: 'loading', key: null, error: null } });
  try {
    const key = await rpc().call('ssh.publicKey', {});
    useSshStatus.setState({ publicKey: { status: 'ready', key, error: null } });
  } catch (err) {
    useSshStatus.setState({ publicKey: { status: 'error', key: null, error: errorMessage(err) } });
  }
}
