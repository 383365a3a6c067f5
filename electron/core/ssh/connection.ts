/**
 * One persistent ssh2 connection to one node (DESIGN §6): every command, transfer and forwarded
 * socket is a channel on it. It pins the host key at every handshake, reconnects with backoff
 * after a drop, and queues session channels so sshd's MaxSessions is respected, not hit.
 */
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import type { Duplex } from 'node:stream';
import type { SshConnectionState, SshConnectionStatus } from '../../../shared/domain/ssh';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { abortError } from '../abort';
import type { Logger } from '../log';
import { backoffDelay, raceAbort, type BackoffPolicy } from './backoff';
import { checkHostKey } from './host-key-check';
import type { RackpilotKey } from './keys';
import { Limiter } from './limiter';
import { explainConnectError, isSessionLimitError } from './ssh-errors';
import { describeTarget, type SshTarget } from './target';

export interface ConnectionSettings {
  key?: RackpilotKey;
  /** ssh-agent socket path (e.g. $SSH_AUTH_SOCK). */
  agent?: string;
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** OpenSSH's default MaxSessions; lowered when the server refuses a channel. */
  maxSessions: number;
  backoff: BackoffPolicy;
  /** Shared across connections: bounds simultaneous handshakes (fan-out). */
  attempts: Limiter;
  onStatus: (status: SshConnectionStatus) => void;
  log: Logger;
}

/** A pseudo-terminal's size in characters and its terminal type ($TERM on the node). */
export interface PtyWindow {
  rows: number;
  cols: number;
  term: string;
}

/** Errors that retrying cannot fix without a person: do not reconnect automatically. */
const FINAL_CODES = new Set<string>([ErrorCode.SshAuth, ErrorCode.SshHostKeyMismatch, ErrorCode.SshHostKeyUnknown]);

export class NodeConnection {
  readonly sessions: Limiter;
  // A true private field: ssh2's Client keeps its config (with the private key) on itself, and
  // a # field stays out of util.inspect and JSON of this connection.
  #client: Client | null = null;
  #connecting: Promise<Client> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private status: SshConnectionStatus;

  constructor(
    readonly target: SshTarget,
    private readonly settings: ConnectionSettings,
  ) {
    this.sessions = new Limiter(settings.maxSessions);
    this.status = { nodeId: target.nodeId, state: 'idle', lastError: null, since: new Date().toISOString(), attempts: 0 };
  }

  get state(): SshConnectionStatus {
    return this.status;
  }

  /** The connected client, connecting first if needed. Aborting stops the wait, not a shared attempt. */
  ready(signal?: AbortSignal): Promise<Client> {
    if (this.closed) return Promise.reject(new RackpilotError(ErrorCode.SshDisconnected, `The connection to ${describeTarget(this.target)} was closed.`));
    if (this.#client) return Promise.resolve(this.#client);
    if (this.reconnectTimer) {
      // Someone needs the node now: skip the rest of the backoff wait.
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    this.#connecting ??= this.connect().finally(() => (this.#connecting = null));
    return raceAbort(this.#connecting, signal, abortError);
  }

  /** Opens an exec channel, waiting for a free session slot. `urgent` jumps the queue (kill requests). */
  async exec(command: string, signal?: AbortSignal, urgent = false): Promise<ClientChannel> {
    return this.openSession((client, cb) => client.exec(command, cb), signal, urgent);
  }

  /**
   * Runs a command on a short-lived second connection. For kill requests when every session slot
   * is held by running commands: sshd frees a slot only after its process exits, so waiting for
   * one would wait forever.
   */
  async execOnSpareConnection(command: string): Promise<ClientChannel> {
    const release = await this.settings.attempts.acquire();
    let spare: Client;
    try {
      spare = await this.handshake();
    } finally {
      release();
    }
    try {
      const channel = await new Promise<ClientChannel>((resolve, reject) => spare.exec(command, (err, ch) => (err ? reject(err) : resolve(ch))));
      channel.once('close', () => spare.end());
      return channel;
    } catch (err) {
      spare.end();
      throw err;
    }
  }

  /**
   * Opens an interactive login shell on a pseudo-terminal (the in-app terminal). It holds a
   * session slot for as long as it is open, like any other channel.
   */
  async shell(window: PtyWindow, signal?: AbortSignal): Promise<ClientChannel> {
    const pty = { rows: window.rows, cols: window.cols, width: 0, height: 0, term: window.term };
    return this.openSession((client, cb) => client.shell(pty, cb), signal, false);
  }

  async sftp(signal?: AbortSignal): Promise<SFTPWrapper> {
    return this.openSession((client, cb) => client.sftp(cb), signal, false);
  }

  /** A stream to a Unix socket on the node (e.g. /var/run/docker.sock); not a session, so not queued. */
  async openUnixSocket(path: string, signal?: AbortSignal): Promise<Duplex> {
    const client = await this.ready(signal);
    return new Promise((resolve, reject) =>
      client.openssh_forwardOutStreamLocal(path, (err, stream) => (err ? reject(err) : resolve(stream))),
    );
  }

  /** Ends the connection and stops reconnecting; waiting channel opens fail. */
  close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.sessions.rejectAll(new RackpilotError(ErrorCode.SshDisconnected, `The connection to ${describeTarget(this.target)} was closed.`));
    const client = this.#client;
    this.#client = null;
    this.setState('idle');
    if (!client) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        client.destroy();
        resolve();
      }, 2000);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
  }

  private async openSession<T extends ClientChannel | SFTPWrapper>(
    open: (client: Client, cb: (err: Error | undefined, value: T) => void) => void,
    signal: AbortSignal | undefined,
    urgent: boolean,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.ready(signal);
      const release = await this.sessions.acquire(signal, urgent);
      let channel: T;
      try {
        channel = await new Promise<T>((resolve, reject) => open(client, (err, value) => (err ? reject(err) : resolve(value))));
      } catch (err) {
        release();
        if (isSessionLimitError(err) && attempt < 100) {
          if (this.sessions.inUse > 0) {
            // sshd's MaxSessions is lower than we assumed: learn it, and wait for a channel to close.
            this.settings.log.debug('ssh session limit reached; queueing', { node: this.target.nodeId, limit: this.sessions.inUse });
            this.sessions.setLimit(this.sessions.inUse);
          } else {
            // Our channels have closed but sshd frees their sessions a moment later: wait briefly.
            await new Promise((r) => setTimeout(r, Math.min(500, 10 * 2 ** Math.min(attempt, 6))));
          }
          continue;
        }
        if (isSessionLimitError(err)) {
          throw new RackpilotError(ErrorCode.SshUnreachable, `${describeTarget(this.target)} refused to open a session (${(err as Error).message}). Check MaxSessions in the node's sshd_config.`);
        }
        throw err;
      }
      channel.once('close', release);
      return channel;
    }
  }

  private async connect(): Promise<Client> {
    const { settings, target } = this;
    this.setState('connecting');
    const release = await settings.attempts.acquire();
    try {
      const client = await this.handshake();
      if (this.closed) {
        client.end();
        throw new RackpilotError(ErrorCode.SshDisconnected, `The connection to ${describeTarget(target)} was closed.`);
      }
      this.#client = client;
      this.status = { ...this.status, attempts: 0 };
      this.setState('connected');
      client.on('close', () => this.onDrop(client));
      return client;
    } catch (err) {
      const error = err instanceof RackpilotError ? err : explainConnectError(err, target, this.authContext(), settings.readyTimeoutMs);
      this.status = { ...this.status, attempts: this.status.attempts + 1, lastError: { code: error.code, message: error.message } };
      this.setState('failed');
      throw error;
    } finally {
      release();
    }
  }

  private handshake(): Promise<Client> {
    const { settings, target } = this;
    const where = describeTarget(target);
    return new Promise((resolve, reject) => {
      const client = new Client();
      let refusal: RackpilotError | null = null;
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        client.removeAllListeners('ready');
        client.destroy();
        reject(refusal ?? explainConnectError(err, target, this.authContext(), settings.readyTimeoutMs));
      };
      client.once('ready', () => {
        settled = true;
        client.removeAllListeners('error');
        // Errors after the handshake surface as 'close' (handled by onDrop); keep a listener so
        // an 'error' event never crashes the process.
        client.on('error', (e: Error) => settings.log.debug('ssh connection error', { node: target.nodeId, error: e.message }));
        resolve(client);
      });
      client.on('error', fail);
      client.once('close', () => fail(new Error('connection closed during handshake')));
      const config: ConnectConfig = {
        host: target.address,
        port: target.port,
        username: target.user,
        readyTimeout: settings.readyTimeoutMs,
        keepaliveInterval: settings.keepaliveIntervalMs,
        keepaliveCountMax: settings.keepaliveCountMax,
        // Without hostHash ssh2 hands us the raw key blob: we hash it as OpenSSH does.
        hostVerifier: (blob: Buffer) => {
          const verdict = checkHostKey(where, target.hostKeys, blob);
          if (!verdict.ok) refusal = verdict.error;
          return verdict.ok;
        },
        ...(settings.key ? settings.key.connectOptions() : {}),
        ...(settings.agent ? { agent: settings.agent } : {}),
      };
      try {
        client.connect(config);
      } catch (err) {
        fail(err);
      }
    });
  }

  private onDrop(client: Client): void {
    if (this.#client !== client) return;
    this.#client = null;
    if (this.closed) return;
    this.settings.log.info('ssh connection dropped; reconnecting', { node: this.target.nodeId });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const { backoff } = this.settings;
    const attempt = this.status.attempts + 1;
    if (attempt > backoff.maxAttempts) return;
    this.setState('connecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closed || this.#client || this.#connecting) return;
      this.#connecting = this.connect().finally(() => (this.#connecting = null));
      this.#connecting.catch((err: unknown) => {
        if (err instanceof RackpilotError && !FINAL_CODES.has(err.code) && !this.closed) this.scheduleReconnect();
      });
    }, backoffDelay(backoff, attempt));
    this.reconnectTimer.unref();
  }

  private authContext() {
    return { authorizedKey: this.settings.key?.publicKey.authorizedKey, usedAgent: Boolean(this.settings.agent) };
  }

  private setState(state: SshConnectionState): void {
    if (this.status.state === state && state !== 'failed') return;
    this.status = { ...this.status, state, since: new Date().toISOString() };
    this.settings.onStatus(this.status);
  }
}
