/**
 * Turns ssh2's errors into ones a person can act on (DESIGN §11): what happened, and what to do.
 * Messages never include key material — only fingerprints and the public key line.
 */
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { explainSocketError } from '../nodes/connectivity';
import { describeTarget, type SshTarget } from './target';

interface Ssh2Error extends Error {
  level?: string;
  code?: string | number;
}

export interface AuthContext {
  /** authorized_keys line of Rackpilot's key, when that key was offered. */
  authorizedKey?: string;
  usedAgent: boolean;
}

export function explainConnectError(err: unknown, target: SshTarget, auth: AuthContext, timeoutMs: number): RackpilotError {
  if (err instanceof RackpilotError) return err;
  const e = err as Ssh2Error;
  const where = describeTarget(target);
  if (e.level === 'client-authentication') {
    const offered = [auth.authorizedKey ? "Rackpilot's key" : null, auth.usedAgent ? 'the keys in your ssh-agent' : null].filter(Boolean).join(' and ');
    const fix = auth.authorizedKey
      ? `Add this line to ~${target.user}/.ssh/authorized_keys on the node, or reinstall it so cloud-init installs it:\n${auth.authorizedKey}`
      : `Add one of your agent's keys to ~${target.user}/.ssh/authorized_keys on the node.`;
    return new RackpilotError(ErrorCode.SshAuth, `${where} does not accept ${offered || 'any offered key'} for user ${target.user}. ${fix}`);
  }
  if (e.level === 'client-timeout' || e.code === 'ETIMEDOUT') {
    return new RackpilotError(
      ErrorCode.SshTimeout,
      `No SSH handshake with ${where} within ${Math.round(timeoutMs / 1000)} s: the node may be off, on another network, or a firewall drops the traffic.`,
    );
  }
  if (e.level === 'client-socket' || typeof e.code === 'string') {
    const explained = explainSocketError(e as NodeJS.ErrnoException, `${target.address}:${target.port}`);
    return new RackpilotError(ErrorCode.SshUnreachable, explained.message);
  }
  return new RackpilotError(ErrorCode.SshUnreachable, `SSH connection to ${where} failed: ${e.message}. Try again; if it persists, check sshd's log on the node.`);
}

export function disconnectedError(target: SshTarget, what: string): RackpilotError {
  return new RackpilotError(
    ErrorCode.SshDisconnected,
    `The SSH connection to ${describeTarget(target)} dropped while ${what}. The node may have rebooted or lost its network; the command may still have run. Check the node, then try again.`,
  );
}

/** OpenSSH refuses a session channel over MaxSessions with "open failed" (administratively prohibited). */
export function isSessionLimitError(err: unknown): boolean {
  const e = err as { reason?: unknown; message?: unknown };
  return typeof e?.message === 'string' && /Channel open failure/.test(e.message) && (e.reason === 1 || /open failed/.test(e.message));
}
