/**
 * Network namespaces for DHCP integration tests: every name carries the test process id, so
 * parallel runs never clash, and destroy() removes everything (also what a crashed run left).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export const isRoot = () => process.getuid?.() === 0;

export class NetLab {
  private readonly created: string[] = [];
  readonly prefix: string;

  constructor(tag: string) {
    this.prefix = `rp-dhcp-${process.pid}-${tag}`;
  }

  ns(name: string): string {
    const full = `${this.prefix}-${name}`;
    ip('netns', 'add', full);
    this.created.push(full);
    ip('-n', full, 'link', 'set', 'lo', 'up');
    return full;
  }

  /** A veth pair from nsA/ifA to nsB/ifB, both up, each with its address (CIDR) if given. */
  link(nsA: string, ifA: string, cidrA: string | null, nsB: string, ifB: string, cidrB: string | null): void {
    ip('-n', nsA, 'link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB);
    for (const [ns, ifn, cidr] of [[nsA, ifA, cidrA], [nsB, ifB, cidrB]] as const) {
      if (cidr) ip('-n', ns, 'addr', 'add', cidr, 'dev', ifn);
      ip('-n', ns, 'link', 'set', ifn, 'up');
    }
  }

  exec(ns: string, argv: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    return spawn('ip', ['netns', 'exec', ns, ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  destroy(): void {
    for (const ns of this.created.splice(0)) {
      try {
        // Killing what still runs inside first, or the namespace lingers until it exits.
        const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
        for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
      try {
        ip('netns', 'del', ns);
      } catch {
        // already gone
      }
    }
  }
}

export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Collects a child's stdout as JSON lines; resolves when one matches. */
export function jsonLines(child: ChildProcess): {
  lines: unknown[];
  stderr(): string;
  waitFor(pred: (l: unknown) => boolean, ms: number): Promise<unknown>;
} {
  const lines: unknown[] = [];
  const waiters: { pred: (l: unknown) => boolean; resolve: (l: unknown) => void }[] = [];
  let buf = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let line: unknown;
      try {
        line = JSON.parse(text);
      } catch {
        continue;
      }
      lines.push(line);
      for (const w of waiters.slice()) {
        if (!w.pred(line)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  return {
    lines,
    stderr: () => stderr,
    waitFor(pred, ms) {
      const seen = lines.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms; lines: ${JSON.stringify(lines)}; stderr: ${stderr}`)), ms);
        waiters.push({ pred, resolve: (l) => (clearTimeout(t), resolve(l)) });
      });
    },
  };
}

export function exited(child: ChildProcess, ms: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const t = setTimeout(() => (child.kill('SIGKILL'), resolve(null)), ms);
    child.once('exit', (code) => (clearTimeout(t), resolve(code)));
  });
}
