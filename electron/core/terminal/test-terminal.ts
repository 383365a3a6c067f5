/**
 * Test helper: a terminal opened through the real API, as the renderer opens one, with its output
 * gathered as text. It acks what it receives (as xterm's write callback would) unless told not to,
 * so tests can also play a screen that stopped drawing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { RpcClient } from '../../../renderer/rpc/client';
import type { TerminalClosed } from '../../../shared/domain/terminal';

export interface TestTerminalOptions {
  cols?: number;
  rows?: number;
  /** Ack each frame when it arrives. Default true. */
  autoAck?: boolean;
  signal?: AbortSignal;
}

export class TestTerminal {
  output = '';
  /** Characters per data frame, in arrival order. */
  readonly frames: number[] = [];
  readonly result: Promise<TerminalClosed>;
  private readonly opened: Promise<string>;
  private terminalId = '';
  private autoAck: boolean;

  constructor(
    private readonly client: RpcClient,
    nodeId: string,
    opts: TestTerminalOptions = {},
  ) {
    this.autoAck = opts.autoAck ?? true;
    let markOpened: (id: string) => void = () => {};
    this.opened = new Promise((resolve) => (markOpened = resolve));
    this.result = client.call(
      'terminal.open',
      { nodeId, cols: opts.cols ?? 80, rows: opts.rows ?? 24 },
      {
        ...(opts.signal ? { signal: opts.signal } : {}),
        onProgress: (p) => {
          if (p.kind === 'opened') {
            this.terminalId = p.terminalId;
            markOpened(p.terminalId);
            return;
          }
          this.output += p.data;
          this.frames.push(p.data.length);
          if (this.autoAck) void client.call('terminal.ack', { terminalId: this.terminalId, chars: p.data.length }).catch(() => {});
        },
      },
    );
    // Tests await `result` when they mean to; an early rejection must not go unhandled meanwhile.
    this.result.catch(() => {});
  }

  /** Resolves with the terminal's id once it is open (rejects if opening failed). */
  id(): Promise<string> {
    return Promise.race([this.opened, this.result.then(() => Promise.reject(new Error('the terminal closed before it opened')))]);
  }

  async type(data: string): Promise<void> {
    await this.client.call('terminal.input', { terminalId: await this.id(), data });
  }

  /** Acks `chars` (default: everything received so far that was not acked) and acks from now on. */
  async ackAll(): Promise<void> {
    this.autoAck = true;
    const chars = this.frames.reduce((a, b) => a + b, 0);
    if (chars > 0) await this.client.call('terminal.ack', { terminalId: await this.id(), chars });
  }

  /** Waits until the output matches and returns the match. */
  async waitFor(pattern: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
    for (const end = Date.now() + ms; Date.now() < end; ) {
      const m = pattern.exec(this.output);
      if (m) return m;
      await sleep(20);
    }
    throw new Error(`terminal output did not match ${pattern} within ${ms} ms; it ends with: ${JSON.stringify(this.output.slice(-500))}`);
  }

  /** Waits until at least `chars` characters of output have arrived. */
  async received(chars: number, ms = 10_000): Promise<void> {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (this.output.length >= chars) return;
    throw new Error(`only ${this.output.length} of ${chars} characters of output arrived within ${ms} ms`);
  }

  /** The pid of the remote shell (the sshd host is this host). */
  async shellPid(): Promise<number> {
    const marker = `pid${Math.random().toString(36).slice(2, 8)}`;
    await this.type(`echo ${marker}-$$\r`);
    return Number((await this.waitFor(new RegExp(`${marker}-(\\d+)`)))[1]);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until a process of this host has gone; true if it did. */
export async function processGone(pid: number, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (!existsSync(`/proc/${pid}`)) return true;
  return !existsSync(`/proc/${pid}`);
}

/** Processes left on a pseudo-terminal of this host (e.g. "pts/3"). */
export function processesOnTty(tty: string): string[] {
  return spawnSync('pgrep', ['-a', '-t', tty]).stdout.toString().split('\n').filter(Boolean);
}
