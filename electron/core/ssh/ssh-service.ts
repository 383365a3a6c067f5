/**
 * The SSH layer's face for the rest of the core: Rackpilot's key, the pool, and run / transfer
 * by node. Services (recipes, facts, stacks) take this, never ssh2 directly.
 */
import type { Readable } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import type { HostKey } from '../../../shared/domain/node';
import type { CommandResult, SshConnectionStatus, SshPublicKey, TransferProgress } from '../../../shared/domain/ssh';
import type { Logger } from '../log';
import type { PtyWindow } from './connection';
import { loadOrCreateKey } from './keys';
import { SshPool, type SshPoolOptions } from './pool';
import { runCommand, runScript, type RunOptions } from './runner';
import { scanHostKey } from './scan';
import type { SecretBox } from './secret-box';
import { downloadFile, uploadFile, type TransferOptionsIn } from './sftp';
import type { SshTarget } from './target';

export interface SshServiceOptions extends Omit<SshPoolOptions, 'key' | 'log'> {
  dataDir: string;
  log: Logger;
  box?: SecretBox;
  passphrase?: string;
  /** Set false to authenticate with the agent only. Default true. */
  useRackpilotKey?: boolean;
}

export interface SshService {
  /** Rackpilot's public key (what cloud-init installs), or null when only the agent is used. */
  readonly publicKey: SshPublicKey | null;
  readonly pool: SshPool;
  run(target: SshTarget, command: string, opts?: RunOptions): Promise<CommandResult>;
  runScript(target: SshTarget, script: string, opts?: Omit<RunOptions, 'stdin'> & { args?: string[]; interpreter?: string }): Promise<CommandResult>;
  upload(target: SshTarget, localPath: string, remotePath: string, opts?: TransferOptionsIn): Promise<TransferProgress>;
  download(target: SshTarget, remotePath: string, localPath: string, opts?: TransferOptionsIn): Promise<TransferProgress>;
  /** A stream to a Unix socket on the node over the pooled connection (Docker's API socket). */
  openUnixSocket(target: SshTarget, path: string, signal?: AbortSignal): Promise<Readable & NodeJS.WritableStream>;
  /** An interactive shell on a pseudo-terminal over the pooled connection (the in-app terminal). */
  shell(target: SshTarget, window: PtyWindow, signal?: AbortSignal): Promise<ClientChannel>;
  scanHostKey(address: string, port: number, timeoutMs?: number): Promise<HostKey>;
  status(nodeId: string): SshConnectionStatus | null;
  close(): Promise<void>;
}

export function createSshService(opts: SshServiceOptions): SshService {
  const key = opts.useRackpilotKey === false ? undefined : loadOrCreateKey({ dataDir: opts.dataDir, box: opts.box, passphrase: opts.passphrase });
  const pool = new SshPool({ ...opts, key });
  if (key) opts.log.info('ssh key ready', { fingerprint: key.publicKey.fingerprint });
  return {
    publicKey: key?.publicKey ?? null,
    pool,
    run: (t, command, o) => runCommand(pool.connection(t), command, o),
    runScript: (t, script, o) => runScript(pool.connection(t), script, o),
    upload: (t, local, remote, o) => uploadFile(pool.connection(t), local, remote, o),
    download: (t, remote, local, o) => downloadFile(pool.connection(t), remote, local, o),
    openUnixSocket: (t, path, signal) => pool.connection(t).openUnixSocket(path, signal),
    shell: (t, window, signal) => pool.connection(t).shell(window, signal),
    scanHostKey,
    status: (nodeId) => pool.status(nodeId),
    close: () => pool.close(),
  };
}
