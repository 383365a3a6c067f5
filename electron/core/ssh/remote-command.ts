/**
 * Builds the remote command line. Every command runs in its own session (setsid) whose id — the
 * process group id — is printed first, so cancelling can kill the whole remote process group
 * through a second channel: closing the channel alone leaves the process running (OpenSSH sends
 * no signal for a session without a pty).
 */
import { ErrorCode, RackpilotError } from '../../../shared/errors';

export type SudoMode = false | true | { password: string };

export interface CommandShape {
  sudo?: SudoMode;
  env?: Record<string, string>;
  cwd?: string;
}

/** First line on stdout: "<marker><pgid>". Unlikely in real output, and stripped before anyone sees it. */
export const PGID_MARKER = '\u001eRACKPILOT-PGID=';

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function sudoPrefix(sudo: SudoMode | undefined): string {
  if (!sudo) return '';
  // -n: fail instead of prompting (no tty to prompt on). -S -p '': read the password from stdin,
  // print no prompt, so the password is the first line we write and nothing echoes it back.
  return sudo === true ? 'sudo -n -- ' : "sudo -S -p '' -- ";
}

/**
 * `[sudo] setsid -w sh -c '<prelude>; exec sh -c "$1"' rackpilot-run '<command>'`. The user's
 * command runs in a fresh sh so its own syntax (exit, traps) cannot interfere with the prelude.
 * setsid sits inside sudo, so the group is root's and sudo's own pty session (use_pty) is moot.
 */
export function wrapCommand(command: string, shape: CommandShape = {}): string {
  const prelude: string[] = [`printf '${PGID_MARKER.replace('\u001e', '\\036')}%s\\n' "$$"`];
  if (shape.cwd) prelude.push(`cd -- ${shellQuote(shape.cwd)} || exit 125`);
  for (const [name, value] of Object.entries(shape.env ?? {})) {
    if (!ENV_NAME.test(name)) throw new RackpilotError(ErrorCode.Validation, `Environment variable name ${JSON.stringify(name)} is not valid: use letters, digits and _, not starting with a digit.`);
    prelude.push(`export ${name}=${shellQuote(value)}`);
  }
  const inner = `${prelude.join('; ')}; exec sh -c "$1"`;
  return `${sudoPrefix(shape.sudo)}setsid -w sh -c ${shellQuote(inner)} rackpilot-run ${shellQuote(command)}`;
}

/** TERM the group, give it `graceMs` to exit, then KILL whatever is left. Exits 0 either way. */
export function killGroupCommand(pgid: number, sudo: SudoMode | undefined, graceMs = 2000): string {
  const steps = Math.max(1, Math.ceil(graceMs / 100));
  const script =
    `kill -TERM -${pgid} 2>/dev/null || exit 0; i=0; ` +
    `while kill -0 -${pgid} 2>/dev/null && [ $i -lt ${steps} ]; do sleep 0.1; i=$((i+1)); done; ` +
    `kill -KILL -${pgid} 2>/dev/null; exit 0`;
  return `${sudoPrefix(sudo)}sh -c ${shellQuote(script)}`;
}

/** sudo's messages when it wanted a password it did not get (or got a wrong one). */
export function sudoNeedsPassword(stderr: string): boolean {
  return /sudo: (a password is required|a terminal is required|no password was provided|\d+ incorrect password attempts?)/.test(stderr) || /Sorry, try again/.test(stderr);
}
