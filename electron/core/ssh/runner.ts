/**
 * Runs a command on a node over its pooled connection: streamed output, exit code, bounded
 * result, timeout and cancellation that kill the remote process group (not just the channel),
 * sudo with or without a password, environment and working directory.
 */
import type { Readable } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import type { CommandResult } from '../../../shared/domain/ssh';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { abortError, whenAborted } from '../abort';
import type { NodeConnection } from './connection';
import { OutputTail } from './output-tail';
import { killGroupCommand, PGID_MARKER, sudoNeedsPassword, wrapCommand, type CommandShape } from './remote-command';
import { disconnectedError } from './ssh-errors';
import { describeTarget } from './target';

export interface RunOptions extends CommandShape {
  timeoutMs?: number;
  signal?: AbortSignal;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  stdin?: string | Buffer | Readable;
  /** Bytes of stdout and of stderr kept in the result. Default 256 KiB each. */
  keepBytes?: number;
  /** Time between TERM and KILL when stopping the remote process group. Default 2 s. */
  killGraceMs?: number;
}

const DEFAULT_KEEP = 256 * 1024;
/** How long a cancel waits for the wrapper to report its process group before giving up on it. */
const PGID_WAIT_MS = 5000;

export async function runCommand(conn: NodeConnection, command: string, opts: RunOptions = {}): Promise<CommandResult> {
  const started = performance.now();
  const { signal } = opts;
  if (signal?.aborted) throw abortError();
  const channel = await conn.exec(wrapCommand(command, opts), signal);
  const stdout = new OutputTail(opts.keepBytes ?? DEFAULT_KEEP);
  const stderr = new OutputTail(opts.keepBytes ?? DEFAULT_KEEP);
  const pgid = watchPgid(channel, (chunk) => {
    stdout.push(chunk);
    opts.onStdout?.(chunk);
  });
  channel.stderr.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
    opts.onStderr?.(chunk);
  });
  feedStdin(channel, opts);

  let exit: { code: number | null; signal: string | null } | null = null;
  channel.on('exit', (code: number | null, sig?: string) => (exit = { code, signal: sig ?? null }));
  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));

  let stopReason: Error | null = null;
  let giveUp: () => void = () => {};
  const gaveUp = new Promise<void>((resolve) => (giveUp = resolve));
  const stop = (reason: Error) => {
    if (stopReason) return;
    stopReason = reason;
    // sshd answers our channel close only once the remote process is gone; if the kill failed,
    // stop waiting a moment after it rather than hang the caller.
    void killRemote(conn, channel, pgid.value, opts).then(() => setTimeout(giveUp, 2000).unref());
  };
  // Also when the cancel came while the channel was still opening: the command may have started.
  const stopWatching = whenAborted(signal, () => stop(abortError()));
  const timer = opts.timeoutMs
    ? setTimeout(
        () =>
          stop(
            new RackpilotError(
              ErrorCode.SshTimeout,
              `The command on ${describeTarget(conn.target)} ran longer than ${formatSeconds(opts.timeoutMs ?? 0)} and was stopped (its processes on the node were killed). Raise the timeout if it needs longer.`,
            ),
          ),
        opts.timeoutMs,
      )
    : null;
  try {
    await Promise.race([closed, gaveUp]);
  } finally {
    if (timer) clearTimeout(timer);
    stopWatching();
  }
  if (stopReason) throw stopReason;
  const finished = exit as { code: number | null; signal: string | null } | null;
  if (!finished) throw disconnectedError(conn.target, 'running a command');
  const stderrText = stderr.text();
  if (opts.sudo && pgid.seen() === null && finished.code !== 0 && sudoNeedsPassword(stderrText)) {
    throw new RackpilotError(
      ErrorCode.SshSudoPassword,
      opts.sudo === true
        ? `sudo on ${describeTarget(conn.target)} asks for a password for ${conn.target.user}. Enter the password, or allow passwordless sudo (a sudoers entry with NOPASSWD).`
        : `sudo on ${describeTarget(conn.target)} did not accept the password for ${conn.target.user}. Check it and try again.`,
    );
  }
  return {
    exitCode: finished.code,
    signal: finished.signal,
    stdout: stdout.text(),
    stderr: stderrText,
    stdoutDropped: stdout.dropped,
    stderrDropped: stderr.dropped,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Runs a script piped to the remote `sh -s` (no temp file on the node); stdin is the script. */
export function runScript(conn: NodeConnection, script: string, opts: Omit<RunOptions, 'stdin'> & { args?: string[]; interpreter?: string } = {}): Promise<CommandResult> {
  const args = (opts.args ?? []).map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return runCommand(conn, `${opts.interpreter ?? 'sh'} -s -- ${args}`.trim(), { ...opts, stdin: script });
}

function feedStdin(channel: ClientChannel, opts: RunOptions): void {
  // sudo -S reads its password byte by byte up to the newline; the rest of stdin is the command's.
  if (typeof opts.sudo === 'object') channel.write(opts.sudo.password + '\n');
  const { stdin } = opts;
  if (stdin === undefined) channel.end();
  else if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) channel.end(stdin);
  else stdin.pipe(channel);
}

interface PgidWatch {
  /** Resolves with the remote process group id, or null if the command ended without one. */
  value: Promise<number | null>;
  seen(): number | null;
}

/** Strips the wrapper's first line from stdout and passes everything after it on. */
function watchPgid(channel: ClientChannel, onData: (chunk: Buffer) => void): PgidWatch {
  let head: Buffer | null = Buffer.alloc(0);
  let pgid: number | null = null;
  let resolve: (v: number | null) => void = () => {};
  const value = new Promise<number | null>((r) => (resolve = r));
  channel.on('data', (chunk: Buffer) => {
    if (head === null) return onData(chunk);
    head = Buffer.concat([head, chunk]);
    const nl = head.indexOf(0x0a);
    if (nl < 0 && head.length < 64) return;
    const line = head.subarray(0, nl < 0 ? head.length : nl).toString('latin1');
    const rest = head.subarray(nl < 0 ? head.length : nl + 1);
    const all = head;
    head = null;
    if (line.startsWith(PGID_MARKER)) pgid = Number(line.slice(PGID_MARKER.length)) || null;
    // Not the wrapper's line (e.g. sudo wrote first): pass it on untouched, adding no newline.
    else onData(all);
    resolve(pgid);
    if (pgid !== null && rest.length > 0) onData(rest);
  });
  channel.once('close', () => {
    if (head && head.length > 0) onData(head);
    head = null;
    resolve(pgid);
  });
  return { value, seen: () => pgid };
}

/**
 * Kills the remote process group through a second exec channel (it jumps the session queue).
 * When every session slot is held, the kill goes over a short-lived spare connection instead.
 */
async function killRemote(conn: NodeConnection, channel: ClientChannel, pgidPromise: Promise<number | null>, opts: RunOptions): Promise<void> {
  const pgid = await Promise.race([pgidPromise, new Promise<null>((r) => setTimeout(() => r(null), PGID_WAIT_MS).unref())]);
  if (pgid === null) {
    channel.close();
    return;
  }
  try {
    const kill = killGroupCommand(pgid, opts.sudo, opts.killGraceMs ?? 2000);
    const full = conn.sessions.inUse >= conn.sessions.capacity;
    const killer = full ? await conn.execOnSpareConnection(kill) : await conn.exec(kill, undefined, true);
    if (typeof opts.sudo === 'object') killer.write(opts.sudo.password + '\n');
    killer.end();
    killer.resume();
    killer.stderr.resume();
    await new Promise<void>((r) => killer.once('close', () => r()));
  } catch {
    // The connection is gone: nothing more can be done from here; the close below still runs.
  } finally {
    channel.close();
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
