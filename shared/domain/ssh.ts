/**
 * What the SSH layer shows the rest of the app: connection state per node, Rackpilot's public
 * key, command results and transfer progress. Plain data only — the private key never has a type
 * here, so it cannot travel through the contract by accident.
 */
import type { HostKey } from './node';

export const SSH_CONNECTION_STATES = ['idle', 'connecting', 'connected', 'failed'] as const;
export type SshConnectionState = (typeof SSH_CONNECTION_STATES)[number];

export interface SshErrorInfo {
  code: string;
  message: string;
}

export interface SshConnectionStatus {
  nodeId: string;
  state: SshConnectionState;
  /** The last failure, kept after a successful reconnect until the next failure replaces it. */
  lastError: SshErrorInfo | null;
  /** ISO time of the last state change. */
  since: string;
  /** Consecutive failed attempts since the last successful connection. */
  attempts: number;
}

/** Rackpilot's own public key, as cloud-init installs it into authorized_keys. */
export interface SshPublicKey {
  type: string;
  /** base64 key blob */
  key: string;
  /** SHA256:… as `ssh-keygen -lf` prints it */
  fingerprint: string;
  /** The full `type key comment` line for authorized_keys. */
  authorizedKey: string;
}

/** Details of E_SSH_HOSTKEY_UNKNOWN: the key the node presented, for the user to accept. */
export interface HostKeyUnknownDetails {
  presented: HostKey;
}

/** Details of E_SSH_HOSTKEY_MISMATCH. */
export interface HostKeyMismatchDetails {
  pinned: string[];
  presented: HostKey;
}

export interface CommandResult {
  /** null when the process died from a signal. */
  exitCode: number | null;
  signal: string | null;
  /** The last part of stdout (bounded); the whole stream went to onStdout. */
  stdout: string;
  stderr: string;
  /** Bytes dropped from the front of stdout/stderr to keep them bounded. */
  stdoutDropped: number;
  stderrDropped: number;
  durationMs: number;
}

export interface TransferProgress {
  transferred: number;
  total: number;
}
