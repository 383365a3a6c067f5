/**
 * Runs the reachability plan for real: test listeners on the ports each node will serve (only
 * those still free: a taken port is the port-free check's failure), then every prober node
 * connects to its targets, and this computer to each API server port. Listeners live only as
 * long as the probes (their SSH command is cancelled, which kills them) and stop themselves
 * after LISTENER_SECONDS whatever happens.
 */
import { connect } from 'node:net';
import { isIPv6 } from '../../../../shared/domain/net';
import { abortError } from '../../abort';
import type { KubeNode, Remote } from '../remote';
import type { NodeFacts } from './facts';
import { listenerScript, parseProbeLines, pickListener, pickProber, proberScript, CONNECT_TIMEOUT_SECONDS } from './probe-scripts';
import { portsInUse } from './ports';
import { listenPorts, probeKey, type ProbeOutcome, type ReachProbe } from './reachability-plan';

const READY_TIMEOUT_MS = 15_000;

export interface ReachabilityInput {
  /** Every member; facts null when the node could not be gathered (SSH failed). */
  members: { node: KubeNode; facts: NodeFacts | null }[];
  probes: readonly ReachProbe[];
  /** Control planes this computer should reach on 6443. */
  fromHere: readonly KubeNode[];
  signal: AbortSignal;
}

export interface ReachabilityResult {
  outcomes: Map<string, ProbeOutcome>;
  /** Control-plane node id → this computer's outcome on 6443. */
  fromHere: Map<string, ProbeOutcome>;
}

type ListenState = { listening: true } | { listening: false; reason: string };

interface Listener {
  states: Map<number, ListenState>;
  /** Settles once every port is listening or known not to be. */
  done: Promise<void>;
  /** Settles when the listener's SSH command has ended (after it was stopped). */
  ended: Promise<unknown>;
}

const isAbort = (err: unknown): boolean => (err as Error | undefined)?.name === 'AbortError';

function startListener(remote: Remote, node: KubeNode, facts: NodeFacts | null, ports: number[], signal: AbortSignal): Listener {
  const states = new Map<number, ListenState>();
  const notChecked = (reason: string): Listener => {
    for (const p of ports) if (!states.has(p)) states.set(p, { listening: false, reason });
    return { states, done: Promise.resolve(), ended: Promise.resolve() };
  };
  if (!facts) return notChecked(`${node.name} could not be reached over SSH`);
  // The test listeners bind IPv4 (perl-base's IO::Socket::INET); an IPv6 probe would fail falsely.
  if (isIPv6(node.address)) return notChecked(`${node.name}'s address is IPv6, which the test listener does not cover yet`);
  const taken = portsInUse(facts, ports) ?? new Map<number, string>();
  for (const [port, holder] of taken) states.set(port, { listening: false, reason: `${port} is already in use on ${node.name} by ${holder}` });
  const free = ports.filter((p) => !taken.has(p));
  if (free.length === 0) return { states, done: Promise.resolve(), ended: Promise.resolve() };
  const tool = pickListener(facts.tools);
  if (!tool) return notChecked(`${node.name} has no perl, python3 or socat to run a test listener with`);

  let ready: () => void = () => {};
  const readySeen = new Promise<void>((resolve) => (ready = resolve));
  const run = remote
    .run(node, listenerScript(tool, free), {
      sudo: false,
      signal,
      timeoutMs: 120_000,
      onLine: (line) => {
        const listening = /^listening=(\d+)$/.exec(line.trim());
        const failed = /^listen_failed=(\d+) ?(.*)$/.exec(line.trim());
        if (listening) states.set(Number(listening[1]), { listening: true });
        if (failed) states.set(Number(failed[1]), { listening: false, reason: `the test listener on ${node.name} could not bind ${failed[1]}: ${failed[2] || 'unknown error'}` });
        if (line.trim() === 'ready=1') ready();
      },
    })
    .then((r) => (r.exitCode === 0 ? '' : r.stderr.trim().split('\n')[0] || `exit ${r.exitCode}`))
    .catch((err: unknown) => (isAbort(err) ? '' : (err as Error).message));
  const done = Promise.race([
    readySeen.then(() => undefined),
    run.then(() => undefined),
    new Promise<void>((resolve) => setTimeout(resolve, READY_TIMEOUT_MS).unref()),
  ]).then(async () => {
    const early = await Promise.race([run, Promise.resolve(null)]);
    notChecked(`the test listener on ${node.name} did not start${early ? `: ${early}` : ''}`);
  });
  return { states, done, ended: run };
}

/** A TCP connect from this computer, with the same timeout the nodes' probes use. */
function connectFromHere(host: string, port: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: CONNECT_TIMEOUT_SECONDS * 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ kind: 'ok' });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ kind: 'timeout' });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'error', detail: err.code ?? err.message }));
  });
}

async function runProber(
  remote: Remote,
  from: { node: KubeNode; facts: NodeFacts | null },
  probes: readonly ReachProbe[],
  targets: ReadonlyMap<string, { node: KubeNode; listener: Listener }>,
  signal: AbortSignal,
  outcomes: Map<string, ProbeOutcome>,
): Promise<void> {
  const live: ReachProbe[] = [];
  for (const p of probes) {
    const state = targets.get(p.to)?.listener.states.get(p.port);
    if (!state?.listening) outcomes.set(probeKey(p), { kind: 'not-checked', reason: state?.reason ?? 'no test listener' });
    else live.push(p);
  }
  if (live.length === 0) return;
  const skip = (reason: string) => live.forEach((p) => outcomes.set(probeKey(p), { kind: 'not-checked', reason }));
  if (!from.facts) return skip(`${from.node.name} could not be reached over SSH`);
  const tool = pickProber(from.facts.tools);
  if (!tool) return skip(`${from.node.name} has no bash, perl or python3 to test connections with`);
  const hostOf = (id: string) => targets.get(id)?.node.address ?? '';
  const script = proberScript(tool, live.map((p) => ({ host: hostOf(p.to), port: p.port })));
  try {
    const result = await remote.run(from.node, script, { sudo: false, signal, timeoutMs: 60_000 });
    const lines = parseProbeLines(result.stdout);
    for (const p of live) {
      const seen = lines.get(`${hostOf(p.to)} ${p.port}`);
      outcomes.set(probeKey(p), seen
        ? seen.kind === 'error' ? { kind: 'error', detail: seen.detail } : { kind: seen.kind }
        : { kind: 'not-checked', reason: `the probe on ${from.node.name} printed nothing (${result.stderr.trim().split('\n')[0] || `exit ${result.exitCode}`})` });
    }
  } catch (err) {
    if (isAbort(err) || signal.aborted) throw err;
    skip(`the probe on ${from.node.name} failed: ${(err as Error).message}`);
  }
}

export async function probeReachability(remote: Remote, input: ReachabilityInput): Promise<ReachabilityResult> {
  const outcomes = new Map<string, ProbeOutcome>();
  const fromHere = new Map<string, ProbeOutcome>();
  const stop = new AbortController();
  const listenerSignal = AbortSignal.any([input.signal, stop.signal]);
  const byId = new Map(input.members.map((m) => [m.node.id, m]));
  const wanted = listenPorts(input.probes);
  for (const cp of input.fromHere) if (!(wanted.get(cp.id) ?? []).includes(6443)) wanted.set(cp.id, [...(wanted.get(cp.id) ?? []), 6443]);

  const targets = new Map<string, { node: KubeNode; listener: Listener }>();
  for (const [id, ports] of wanted) {
    const member = byId.get(id);
    if (member) targets.set(id, { node: member.node, listener: startListener(remote, member.node, member.facts, ports, listenerSignal) });
  }
  try {
    await Promise.all([...targets.values()].map((t) => t.listener.done));
    if (input.signal.aborted) throw abortError();
    const bySource = new Map<string, ReachProbe[]>();
    for (const p of input.probes) bySource.set(p.from, [...(bySource.get(p.from) ?? []), p]);
    await Promise.all([
      ...[...bySource].map(async ([id, probes]) => {
        const from = byId.get(id);
        if (from) await runProber(remote, from, probes, targets, input.signal, outcomes);
      }),
      ...input.fromHere.map(async (cp) => {
        const state = targets.get(cp.id)?.listener.states.get(6443);
        fromHere.set(cp.id, state?.listening ? await connectFromHere(cp.address, 6443) : { kind: 'not-checked', reason: state?.reason ?? 'no test listener' });
      }),
    ]);
  } finally {
    stop.abort();
    // Wait for the listeners' processes to be killed, so none outlives the preflight.
    await Promise.all([...targets.values()].map((t) => t.listener.ended));
  }
  return { outcomes, fromHere };
}
