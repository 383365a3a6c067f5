/**
 * `port`: whether a node's TCP port accepts connections — probed from this computer (a plain
 * connect) or from another node (bash's /dev/tcp under `timeout`, present on every Debian).
 * Refused and no answer are both "closed"; only a probe that could not start is an error.
 */
import { connect } from 'node:net';
import { abortError } from '../../abort';
import { shellQuote } from '../../ssh/remote-command';
import { CannotRun, clip, fromWords, nameOf, nodeFor, sshTargetFor, type CheckContext, type CheckKind, type CheckOf } from './check-kit';

const PROBE_SECONDS = 5;

type Probe = { open: true } | { open: false; why: string };

function probeFromHost(address: string, port: number, signal?: AbortSignal): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port });
    const done = (p: Probe | Error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (p instanceof Error) reject(p);
      else resolve(p);
    };
    const onAbort = () => done(abortError());
    const timer = setTimeout(() => done({ open: false, why: `no answer within ${PROBE_SECONDS} s (something drops the traffic, or the node is off)` }), PROBE_SECONDS * 1000);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done({ open: true }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done({ open: false, why: err.code === 'ECONNREFUSED' ? 'connection refused (nothing listens there)' : `${err.code ?? 'error'}: ${err.message}` }),
    );
  });
}

async function probeFromNode(from: string, address: string, port: number, { target, deps, signal }: CheckContext): Promise<Probe> {
  const ssh = sshTargetFor(from, target);
  // The address is quoted inside the script too: bash expands the redirection target.
  const script = `exec 3<>/dev/tcp/${shellQuote(address)}/${port}`;
  const r = await deps.ssh.run(ssh, `timeout ${PROBE_SECONDS} bash -c ${shellQuote(script)}`, { timeoutMs: (PROBE_SECONDS + 15) * 1000, ...(signal ? { signal } : {}) });
  if (r.exitCode === 0) return { open: true };
  if (r.exitCode === 124) return { open: false, why: `no answer within ${PROBE_SECONDS} s (something drops the traffic, or the node is off)` };
  if (r.exitCode === 127) throw new CannotRun(`bash or timeout is missing on ${ssh.name}: ${clip(r.stderr, 200)}`, `Install bash and coreutils on ${ssh.name}, then check again.`);
  const said = r.stderr.replace(/^bash: (line \d+: )?/gm, '').trim();
  return { open: false, why: /Connection refused/.test(said) ? 'connection refused (nothing listens there)' : clip(said || `exit code ${r.exitCode}`, 300) };
}

export const portCheck: CheckKind<'port'> = {
  ran: (c: CheckOf<'port'>, target) => `connect to ${nameOf(c.to, target)}${target.nodes[c.to]?.address ? ` (${target.nodes[c.to]!.address})` : ''} port ${c.port} from ${fromWords(c.from, target)}`,

  async judge(c, ctx) {
    const to = nodeFor(c.to, ctx.target);
    const probe = c.from === 'host' ? await probeFromHost(to.address, c.port, ctx.signal) : await probeFromNode(c.from, to.address, c.port, ctx);
    const saw = probe.open ? `Port ${c.port} on ${to.name} accepted the connection.` : `Port ${c.port} on ${to.name} did not accept the connection: ${probe.why}.`;
    return { pass: probe.open === c.open, saw };
  },
};
