/**
 * What the terminal's status line says: opening, open, how the shell ended, or why it could not
 * open — in words that say what to do next.
 */
import type { TerminalClosed } from '../../../shared/domain/terminal';
import { ErrorCode, RackpilotError } from '../../../shared/errors';

export type ShellStatus =
  | { state: 'connecting' }
  | { state: 'connected'; notice?: string }
  | { state: 'ended'; message: string }
  | { state: 'failed'; message: string };

export function endedStatus(closed: TerminalClosed): ShellStatus {
  switch (closed.reason) {
    case 'exited':
      return { state: 'ended', message: closed.exitCode === null ? 'Shell exited.' : `Shell exited (code ${closed.exitCode}).` };
    case 'closed':
      return { state: 'ended', message: 'Terminal closed.' };
    case 'disconnected':
      return { state: 'ended', message: 'The SSH connection to the node dropped, which ended the shell.' };
  }
}

/** Why the shell could not open, or — when it had opened — why it was cut off (e.g. the core went away). */
export function failedStatus(err: unknown, opened = false): ShellStatus {
  if (err instanceof RackpilotError && err.code === ErrorCode.SshHostKeyUnknown) {
    return {
      state: 'failed',
      message: "Rackpilot has not pinned this node's SSH host key yet, so it will not connect. Accept the host key on the Overview tab, then reconnect.",
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { state: 'failed', message: opened ? `The shell was cut off: ${message}` : `Could not open a shell: ${message}` };
}
