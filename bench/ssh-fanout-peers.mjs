/**
 * The two sides of the SSH fan-out benchmark (ssh-fanout.mjs): Rackpilot's headless server driven
 * over its WebSocket API (with the job's end taken from its `jobs.changed` event, and the
 * process's fds and RSS sampled from /proc), and `ansible -m raw` run as a child process. Each
 * timed run also reports the CPU its side and the hosts' sshd used, when cgroups allow
 * (cpu-accounting.mjs; `cpu` is null otherwise).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { BenchSkip, startServer, wsUrl } from './lib.mjs';

const RUN_TIMEOUT_MS = 120_000;

/** CPU ms used by `group` and by the hosts' sshd while `fn` runs (nulls without accounting). */
async function withCpu(cpu, group, fn) {
  if (!cpu) return { value: await fn(), clientCpuMs: null, hostsCpuMs: null };
  const c0 = cpu.usageMs(group);
  const h0 = cpu.usageMs('hosts');
  const value = await fn();
  return { value, clientCpuMs: cpu.usageMs(group) - c0, hostsCpuMs: cpu.usageMs('hosts') - h0 };
}

// ---------------------------------------------------------------- Rackpilot side

/** The API socket with events: `call` and `waitJob` (resolves on the job's final `jobs.changed`). */
export function connectApi(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const pending = new Map();
    const finished = new Map();
    const waiters = new Map();
    let nextId = 1;
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.t === 'event') {
        if (frame.ch !== 'jobs.changed' || ['queued', 'running'].includes(frame.d.state)) return;
        finished.set(frame.d.id, { job: frame.d, at: performance.now() });
        waiters.get(frame.d.id)?.(finished.get(frame.d.id));
        return;
      }
      const p = pending.get(frame.id);
      if (!p) return;
      pending.delete(frame.id);
      if (frame.t === 'res') p.resolve(frame.r);
      else if (frame.t === 'err') p.reject(Object.assign(new Error(`${frame.e.code}: ${frame.e.message}`), { wire: frame.e }));
    });
    ws.once('error', reject);
    ws.on('close', () => pending.forEach((p) => p.reject(new Error('API socket closed'))));
    ws.once('open', () =>
      resolve({
        call: (m, a = {}) =>
          new Promise((res, rej) => {
            const id = nextId++;
            pending.set(id, { resolve: res, reject: rej });
            ws.send(JSON.stringify({ t: 'req', id, m, a }));
          }),
        waitJob: (id) =>
          new Promise((res, rej) => {
            if (finished.has(id)) return res(finished.get(id));
            const timer = setTimeout(() => rej(new Error(`job ${id} did not finish within ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS);
            waiters.set(id, (v) => {
              clearTimeout(timer);
              res(v);
            });
          }),
        close: () => ws.close(),
      }),
    );
  });
}

/** Open fds and RSS of a process, sampled every 20 ms until stopped; VmHWM at the end. */
export function sampleProcess(pid) {
  const read = () => {
    const fds = readdirSync(`/proc/${pid}/fd`).length;
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
    return { fds, rss };
  };
  const first = read();
  let peakFds = first.fds;
  let peakRss = first.rss;
  const timer = setInterval(() => {
    try {
      const s = read();
      peakFds = Math.max(peakFds, s.fds);
      peakRss = Math.max(peakRss, s.rss);
    } catch {
      // the process is exiting
    }
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      const last = read();
      const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
      return { peakFds: Math.max(peakFds, last.fds), peakRss: Math.max(peakRss, last.rss), hwm, endFds: last.fds, endRss: last.rss };
    },
  };
}

/** A fresh server process on the shared data dir (nodes and pins persist; the pool does not). */
export async function startRackpilot(dataDir, cpu) {
  const server = startServer({ dataDir, timeoutMs: 20_000 });
  const ready = await server.ready;
  cpu?.enter('rackpilot', server.child.pid);
  const api = await connectApi(wsUrl(ready));
  await api.call('system.info');
  return { server, api, pid: server.child.pid };
}

/** One timed `nodes.runCommand` of `command` on `ids`; checks every node answered `ok`. */
export async function timeRackpilot(rp, ids, command, cpu) {
  const sampler = sampleProcess(rp.pid);
  const t0 = performance.now();
  const timed = await withCpu(cpu, 'rackpilot', async () => {
    let job;
    try {
      job = await rp.api.call('nodes.runCommand', { ids, command });
    } catch (err) {
      sampler.stop();
      if (/not built yet/.test(err.message)) throw new BenchSkip('dist/ predates nodes.runCommand: run `npm run build` first.');
      throw err;
    }
    return rp.api.waitJob(job.id);
  });
  const { job: done, at } = timed.value;
  const ms = at - t0;
  const resources = sampler.stop();
  const bad = done.state !== 'succeeded' ? [{ name: '(job)', state: done.state, error: done.error }] : done.result.results.filter((r) => r.state !== 'ok' || !r.stdout.startsWith('Linux'));
  if (bad.length) throw new Error(`Rackpilot: ${bad.length} node(s) not ok, e.g. ${JSON.stringify(bad[0])}`);
  return { ms, clientCpuMs: timed.clientCpuMs, hostsCpuMs: timed.hostsCpuMs, ...resources };
}

// ---------------------------------------------------------------- ansible side

export function ansibleEnv(dir, controlDir) {
  return {
    ...process.env,
    ANSIBLE_CONFIG: join(dir, 'ansible.cfg'),
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-local'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_DEPRECATION_WARNINGS: 'False',
  };
}

export function writeInventory(dir, hosts, user, keyFile) {
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, hosts.map((h) => h.knownHostsLine).join('\n') + '\n');
  writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\n');
  const lines = ['[fan]', ...hosts.map((h) => `${h.name} ansible_host=127.0.0.1 ansible_port=${h.port} ansible_user=${user}`), '', '[fan:vars]'];
  lines.push(`ansible_ssh_private_key_file=${keyFile}`);
  // Host keys checked against exactly the keys Rackpilot pinned; an unknown key is refused.
  lines.push(`ansible_ssh_common_args='-o UserKnownHostsFile=${knownHosts} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes'`);
  const file = join(dir, 'inventory.ini');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

export function runAnsible(args, env, cpu) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // Through sh only to join the accounting group before ansible starts (sh execs it: no extra process).
    const child = cpu
      ? spawn('sh', ['-c', `${cpu.joinPrefix('ansible')} ansible "$@"`, 'ansible', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('ansible', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - t0, code, out });
    });
    child.once('error', reject);
  });
}

export async function timeAnsible(inventory, env, count, command, cpu) {
  const { value: r, clientCpuMs, hostsCpuMs } = await withCpu(cpu, 'ansible', () => runAnsible(['all', '-i', inventory, '-m', 'raw', '-a', command, '-f', String(count)], env, cpu));
  const ok = (r.out.match(/\| CHANGED \| rc=0 >>\nLinux /g) ?? []).length;
  if (r.code !== 0 || ok !== count) throw new Error(`ansible: exit ${r.code}, ${ok}/${count} hosts ok:\n${r.out.slice(-3000)}`);
  return { ms: r.ms, clientCpuMs, hostsCpuMs };
}

/** Ends the ControlPersist masters of a control directory (they would linger 60 s otherwise). */
export function closeMasters(controlDir) {
  if (!existsSync(controlDir)) return;
  for (const sock of readdirSync(controlDir)) spawnSync('ssh', ['-o', `ControlPath=${join(controlDir, sock)}`, '-O', 'exit', 'bench'], { stdio: 'ignore', timeout: 5000 });
}
