/**
 * The connection pool: at most one connection per node, shared by everything that talks to it,
 * with a global cap on simultaneous handshakes so a bulk action over 100 nodes stays bounded.
 */
import type { SshConnectionStatus } from '../../../shared/domain/ssh';
import type { Logger } from '../log';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { NodeConnection } from './connection';
import type { RackpilotKey } from './keys';
import { Limiter } from './limiter';
import { targetKey, type SshTarget } from './target';

export interface SshPoolOptions {
  /** Rackpilot's key; offered first. */
  key?: RackpilotKey;
  /** ssh-agent socket (the user's $SSH_AUTH_SOCK); its keys are offered after Rackpilot's. */
  agent?: string;
  log: Logger;
  /** Simultaneous handshakes across all nodes. Default 16. */
  maxConnecting?: number;
  /** Default 15 s. */
  readyTimeoutMs?: number;
  /** Default 15 s; with keepaliveCountMax 3 a dead peer is noticed within ~45 s. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Session channels per connection before sshd says otherwise. OpenSSH's default: 10. */
  maxSessions?: number;
  backoff?: BackoffPolicy;
  onStatus?: (status: SshConnectionStatus) => void;
}

export class SshPool {
  private readonly connections = new Map<string, { key: string; conn: NodeConnection }>();
  private readonly attempts: Limiter;

  constructor(private readonly opts: SshPoolOptions) {
    this.attempts = new Limiter(opts.maxConnecting ?? 16);
  }

  /** The node's connection (not yet connected: the first channel connects it). */
  connection(target: SshTarget): NodeConnection {
    const key = targetKey(target);
    const existing = this.connections.get(target.nodeId);
    if (existing?.key === key) return existing.conn;
    // The node's address, user or pinned keys changed: its old connection serves facts no longer true.
    if (existing) void existing.conn.close();
    const conn = new NodeConnection(target, {
      key: this.opts.key,
      agent: this.opts.agent,
      readyTimeoutMs: this.opts.readyTimeoutMs ?? 15_000,
      keepaliveIntervalMs: this.opts.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: this.opts.keepaliveCountMax ?? 3,
      maxSessions: this.opts.maxSessions ?? 10,
      backoff: this.opts.backoff ?? DEFAULT_BACKOFF,
      attempts: this.attempts,
      log: this.opts.log,
      onStatus: (status) => {
        if (this.connections.get(target.nodeId)?.conn === conn) this.opts.onStatus?.(status);
      },
    });
    this.connections.set(target.nodeId, { key, conn });
    return conn;
  }

  status(nodeId: string): SshConnectionStatus | null {
    return this.connections.get(nodeId)?.conn.state ?? null;
  }

  statuses(): SshConnectionStatus[] {
    return [...this.connections.values()].map((e) => e.conn.state);
  }

  /** Closes one node's connection (node deleted, or the user disconnects it). */
  async release(nodeId: string): Promise<void> {
    const entry = this.connections.get(nodeId);
    this.connections.delete(nodeId);
    await entry?.conn.close();
  }

  /** Closes everything: app exit. */
  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((e) => e.conn.close()));
  }
}
