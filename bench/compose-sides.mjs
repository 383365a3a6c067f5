/**
 * The two sides of the compose benchmark (compose-up.mjs). Rackpilot: the built headless server
 * driven over its WebSocket API, a deploy timed from sending `stacks.apply` to the `jobs.changed`
 * event that says the job finished, with the time each job phase took (from the same events).
 * docker-compose: `docker-compose -p <name> -f compose.yaml up -d`, timed from spawn to exit.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { DOCKER_COMPOSE } from './compose-stack.mjs';
import { BenchSkip, connectRpc, startServer, wsUrl } from './lib.mjs';

const JOB_TIMEOUT_MS = 180_000;
const LOCAL = 'local';
const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

// ---------------------------------------------------------------- Rackpilot

/** A server on a fresh data dir and an API client that keeps every job's `jobs.changed` events. */
export async function startRackpilot() {
  const server = startServer({ timeoutMs: 20_000 });
  const ready = await server.ready;
  const events = new Map(); // job id → [{ job, at }]
  const waiters = new Map(); // job id → resolve
  const api = await connectRpc(wsUrl(ready), {
    onEvent(channel, job) {
      if (channel !== 'jobs.changed') return;
      const entry = { job, at: performance.now() };
      events.set(job.id, [...(events.get(job.id) ?? []), entry]);
      if (FINISHED.has(job.state)) waiters.get(job.id)?.(entry);
    },
  });
  /** Resolves with the job's final event (it may have come before apply's own answer did). */
  const waitJob = (id) =>
    new Promise((resolve, reject) => {
      const done = (events.get(id) ?? []).find((e) => FINISHED.has(e.job.state));
      if (done) return resolve(done);
      const timer = setTimeout(() => reject(new Error(`job ${id} did not finish within ${JOB_TIMEOUT_MS / 1000} s`)), JOB_TIMEOUT_MS);
      waiters.set(id, (entry) => {
        clearTimeout(timer);
        waiters.delete(id);
        resolve(entry);
      });
    });
  const stop = async () => {
    api.close();
    await server.stop();
  };
  return { api, waitJob, events: (id) => events.get(id) ?? [], stop, output: server.output };
}

/** Stores the stack; fails when the compose file has errors (the benchmark's file must be clean). */
export async function saveStack(rp, name, compose) {
  let detail;
  try {
    detail = await rp.api.call('stacks.save', { nodeId: LOCAL, name, files: { compose, env: '', variables: {}, profiles: [] } });
  } catch (err) {
    if (/Unknown method|not built yet/i.test(err.message)) throw new BenchSkip('dist/ predates the stacks.* API: run `npm run build` first.');
    throw err;
  }
  const errors = detail.issues.filter((i) => i.severity === 'error');
  if (errors.length) throw new Error(`Rackpilot rejected the benchmark's compose file: ${JSON.stringify(errors)}`);
}

/**
 * How long each phase of a job took, from its `jobs.changed` events: a phase runs from the first
 * event that names it until the next phase's first event (or the job's end). `queued` covers the
 * time from the request to the first event that shows the job running.
 */
function phaseSpans(entries, t0, endAt) {
  const starts = [{ phase: 'request → running', at: t0 }];
  for (const { job, at } of entries) {
    if (job.state !== 'running' || !job.phase) continue;
    if (starts[starts.length - 1].phase !== job.phase) starts.push({ phase: job.phase, at });
  }
  return starts.map((s, i) => ({ phase: s.phase, ms: (starts[i + 1]?.at ?? endAt) - s.at }));
}

async function runJob(rp, method, args, what) {
  const t0 = performance.now();
  const job = await rp.api.call(method, args, { timeoutMs: JOB_TIMEOUT_MS });
  const acceptedMs = performance.now() - t0;
  const end = await rp.waitJob(job.id);
  if (end.job.state !== 'succeeded') {
    throw new Error(`Rackpilot ${what} ended ${end.job.state}: ${JSON.stringify(end.job.error)}\nserver output:\n${rp.output().slice(-3000)}`);
  }
  return { ms: end.at - t0, acceptedMs, phases: phaseSpans(rp.events(job.id), t0, end.at), result: end.job.result };
}

/** One timed deploy: `stacks.apply` (which plans, then applies) until its job has finished. */
export const applyStack = (rp, name) => runJob(rp, 'stacks.apply', { nodeId: LOCAL, name }, `apply of ${name}`);

/** `stacks.plan` alone on the stack as it is (the planning share of a no-op apply). */
export async function timePlan(rp, name) {
  const t0 = performance.now();
  const plan = await rp.api.call('stacks.plan', { nodeId: LOCAL, name }, { timeoutMs: JOB_TIMEOUT_MS });
  return { ms: performance.now() - t0, noop: plan.noop };
}

/** Untimed: takes the stack down with its volumes (the next cold run starts from nothing). */
export const downStack = (rp, name) => runJob(rp, 'stacks.down', { nodeId: LOCAL, name, removeVolumes: true, confirmName: name }, `down of ${name}`);

// ---------------------------------------------------------------- docker-compose

/** `docker-compose -p <name> -f <file> <args…>` in the file's folder, timed from spawn to exit. */
export function dockerCompose(name, file, cwd, args) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('COMPOSE_') || k === 'DOCKER_HOST') delete env[k];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(DOCKER_COMPOSE, ['--ansi', 'never', '-p', name, '-f', file, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), JOB_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      if (code === 0) resolve({ ms, out });
      else reject(new Error(`docker-compose ${args.join(' ')} exited ${code ?? signal}:\n${out.slice(-3000)}`));
    });
  });
}
