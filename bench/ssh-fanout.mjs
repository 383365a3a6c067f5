/**
 * SSH fan-out (issue: "nodes.runCommand"): `uname -a; sleep 0.2` on 20 real sshd hosts, Rackpilot
 * vs `ansible all -m raw -f 20` (Debian's ansible-core), same key, same hosts, same host-key
 * trust, same run. Target: Rackpilot ≥ 5× faster wall time (ratio of medians, cold runs).
 * Then 100 hosts through Rackpilot's concurrency cap: it completes, and its peak RSS and peak
 * open file descriptors are reported against the 20-host run and the idle server.
 *
 * Hosts: one OpenSSH sshd per host on 127.0.0.1 (own port, own generated ed25519 host key), all
 * accepting Rackpilot's own key (the plain OpenSSH key file in its data dir, which ansible uses
 * too) for one throwaway user (see ssh-hosts.mjs). Rackpilot: the built headless server
 * (dist/electron/server.cjs) driven over its WebSocket API; nodes created with `nodes.create` and
 * host keys pinned with `nodes.acceptHostKey`; timed from sending `nodes.runCommand` to the
 * `jobs.changed` event that says the job finished, every node checked `ok`.
 *
 * Fair, and how:
 * - cold: Rackpilot in a fresh server process (fresh connection pool) per run, the process up and
 *   answering before the clock starts; ansible with a fresh ControlPath directory per run (no
 *   ControlMaster to reuse). ansible is timed spawn → exit: starting Python is part of every
 *   ad-hoc ansible command, as answering a request is part of Rackpilot's (shown apart as
 *   "ansible start-up alone": `--list-hosts`, no connections).
 * - warm: Rackpilot's second run in the same process (pooled connections reused) vs ansible's
 *   second run with the same ControlPath directory (ControlPersist masters reused).
 * - host keys are checked by both: Rackpilot against its pins, ansible (host_key_checking on,
 *   StrictHostKeyChecking=yes) against a known_hosts file holding the same keys.
 * - runs are interleaved (the order alternates each round) so machine noise hits both alike.
 * - first-contact fact gathering (a Rackpilot feature that runs once per node) is done in the
 *   untimed set-up, so no timed run pays for it.
 * - every host shares this machine's CPUs with the client: sshd's per-connection work, which a
 *   real rack spreads over its nodes, lands on both sides here and narrows the ratio.
 * Resources: /proc/<server pid>/fd counted and VmRSS read every 20 ms during each Rackpilot run,
 * plus VmHWM (the kernel's peak RSS) at the end.
 *
 * Needs: root, openssh-server, openssh-client, ansible-core (`apt-get install ansible-core`), a
 * build (`npm run build`). Env: BENCH_SSH_RUNS (default 5), BENCH_SSH_HOSTS (default 20),
 * BENCH_SSH_BIG_HOSTS (default 100), BENCH_SSH_BIG_RUNS (default 3).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BenchSkip, SERVER_JS, cpuBusy, environment, isMainModule, loadWarning, median, metric, removeTempDir, requireBuilt, runStandalone, tempDir } from './lib.mjs';
import { cpuGroups } from './cpu-accounting.mjs';
import { ansibleEnv, closeMasters, runAnsible, sampleProcess, startRackpilot, timeAnsible, timeRackpilot, writeInventory } from './ssh-fanout-peers.mjs';
import { SSHD, createLoginUser, startHosts } from './ssh-hosts.mjs';

export const name = 'ssh-fanout';
const RUNS = Number(process.env.BENCH_SSH_RUNS ?? 5);
const HOSTS = Number(process.env.BENCH_SSH_HOSTS ?? 20);
const BIG_HOSTS = Number(process.env.BENCH_SSH_BIG_HOSTS ?? 100);
const BIG_RUNS = Number(process.env.BENCH_SSH_BIG_RUNS ?? 3);
const COMMAND = 'uname -a; sleep 0.2';
const TARGET_RATIO = 5;
const INSTALL_HINT = 'apt-get install ansible-core openssh-server openssh-client (or run scripts/setup-system.sh)';

// ---------------------------------------------------------------- the benchmark

function prerequisites() {
  if (process.getuid?.() !== 0) throw new BenchSkip('needs root: it runs sshd instances that log in a throwaway user (useradd).');
  const missing = [
    [SSHD, 'openssh-server'],
    ['ssh-keygen', 'openssh-client'],
    ['ansible', 'ansible-core'],
  ].filter(([cmd]) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0);
  if (missing.length) throw new BenchSkip(`missing ${missing.map(([cmd, pkg]) => `${cmd} (${pkg})`).join(', ')}: ${INSTALL_HINT}. ansible is the peer this benchmark compares with.`);
  requireBuilt([SERVER_JS]);
}

/** Untimed: nodes with pinned host keys; one run over all of them, which also gathers first-contact facts. */
async function setUp(dataDir, hosts, user, cpu) {
  const rp = await startRackpilot(dataDir, cpu);
  try {
    const ids = [];
    for (const [i, h] of hosts.entries()) {
      const node = await rp.api.call('nodes.create', { name: h.name, mac: `52:54:00:5f:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`, address: '127.0.0.1', sshPort: h.port, sshUser: user });
      // acceptHostKey scans the host and pins only if it presents the key we generated.
      await rp.api.call('nodes.acceptHostKey', { id: node.id, fingerprint: h.hostKey.fingerprint });
      ids.push(node.id);
    }
    await timeRackpilot(rp, ids, COMMAND, cpu);
    for (const deadline = Date.now() + 120_000; ; ) {
      const facts = (await rp.api.call('jobs.list', { limit: 500 })).filter((j) => j.kind === 'node.facts');
      if (facts.length >= ids.length && facts.every((j) => j.state !== 'running')) break;
      if (Date.now() > deadline) throw new Error('first-contact fact gathering did not finish within 120 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    return ids;
  } finally {
    rp.api.close();
    await rp.server.stop();
  }
}

export async function run() {
  prerequisites();
  const busyBefore = await cpuBusy();
  const dir = tempDir('rackpilot-bench-ssh-');
  const dataDir = join(dir, 'rackpilot-data');
  const user = createLoginUser();
  const accounting = cpuGroups(['rackpilot', 'ansible', 'hosts']);
  const cpu = accounting.groups;
  let fleet = null;
  const controlDirs = [];
  try {
    // Rackpilot's key is made on its first start; the hosts then accept it, and ansible uses the same file.
    const first = await startRackpilot(dataDir, cpu);
    const publicKey = await first.api.call('ssh.publicKey');
    first.api.close();
    await first.server.stop();
    const keyFile = join(dataDir, 'ssh', 'rackpilot_ed25519');
    fleet = await startHosts({ count: Math.max(HOSTS, BIG_HOSTS), dir, user: user.name, authorizedKey: publicKey.authorizedKey });
    // Before any connection: each sshd's per-connection children are born in the group.
    for (const h of fleet.hosts) cpu?.enter('hosts', h.child.pid);
    const allIds = await setUp(dataDir, fleet.hosts, user.name, cpu);
    const ids = allIds.slice(0, HOSTS);
    const inventory = writeInventory(dir, fleet.hosts.slice(0, HOSTS), user.name, keyFile);
    const version = spawnSync('ansible', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];

    const s = { rpCold: [], rpWarm: [], anCold: [], anWarm: [], anStart: [] };
    const rackpilotRound = async () => {
      const rp = await startRackpilot(dataDir, cpu);
      try {
        s.rpCold.push(await timeRackpilot(rp, ids, COMMAND, cpu));
        s.rpWarm.push(await timeRackpilot(rp, ids, COMMAND, cpu));
      } finally {
        rp.api.close();
        await rp.server.stop();
      }
    };
    const ansibleRound = async (i) => {
      const controlDir = join(dir, `cp-${i}`);
      mkdirSync(controlDir);
      controlDirs.push(controlDir);
      const env = ansibleEnv(dir, controlDir);
      s.anCold.push(await timeAnsible(inventory, env, HOSTS, COMMAND, cpu));
      s.anWarm.push(await timeAnsible(inventory, env, HOSTS, COMMAND, cpu));
      closeMasters(controlDir);
      s.anStart.push((await runAnsible(['all', '-i', inventory, '--list-hosts'], env, cpu)).ms);
    };
    // Untimed warm-up of ansible (page cache, Python's bytecode cache); Rackpilot's was the set-up run.
    await ansibleRound('warmup');
    [s.anCold, s.anWarm, s.anStart].forEach((a) => a.pop());
    for (let i = 0; i < RUNS; i++) {
      if (i % 2) {
        await ansibleRound(i);
        await rackpilotRound();
      } else {
        await rackpilotRound();
        await ansibleRound(i);
      }
    }

    // 100 hosts through the fan-out cap: fresh process, idle figures, a cold run, two warm runs.
    const big = [];
    const bigIds = allIds.slice(0, BIG_HOSTS);
    for (let i = 0; i < BIG_RUNS; i++) {
      const rp = await startRackpilot(dataDir, cpu);
      try {
        await new Promise((r) => setTimeout(r, 200));
        const idle = sampleProcess(rp.pid).stop();
        const cold = await timeRackpilot(rp, bigIds, COMMAND, cpu);
        const warm1 = await timeRackpilot(rp, bigIds, COMMAND, cpu);
        const warm2 = await timeRackpilot(rp, bigIds, COMMAND, cpu);
        big.push({ idle, cold, warm: [warm1, warm2] });
      } finally {
        rp.api.close();
        await rp.server.stop();
      }
    }
    return report({ s, big, version, busyBefore, cpuWhyNot: accounting.whyNot });
  } finally {
    controlDirs.forEach(closeMasters);
    await fleet?.stop();
    cpu?.remove();
    user.remove();
    removeTempDir(dir);
  }
}

const MiB = 1024 * 1024;
const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mib = (b) => `${(b / MiB).toFixed(1)} MiB`;
const cpuMs = (runs, key) => (runs.every((r) => r[key] !== null) ? median(runs.map((r) => r[key])) : NaN);
const fmtCpu = (ms) => (Number.isNaN(ms) ? 'n/a' : `${Math.round(ms)} ms`);

function report({ s, big, version, busyBefore, cpuWhyNot }) {
  const ms = (runs) => runs.map((r) => r.ms);
  const coldRatio = median(ms(s.anCold)) / median(ms(s.rpCold));
  const warmRatio = median(ms(s.anWarm)) / median(ms(s.rpWarm));
  const verdict = coldRatio >= TARGET_RATIO ? 'PASS' : 'FAIL';
  const all100 = big.flatMap((b) => [b.cold, ...b.warm]);
  const bigCold = big.map((b) => b.cold);
  const bigWarm = big.flatMap((b) => b.warm);
  const peak = (runs, key) => Math.max(...runs.map((r) => r[key]));
  const peakRss = (runs) => Math.max(peak(runs, 'peakRss'), peak(runs, 'hwm'));
  const idleFds = median(big.map((b) => b.idle.endFds));
  const idleRss = median(big.map((b) => b.idle.endRss));
  const bounded = {
    idleFds,
    idleRss,
    peakFds20: peak(s.rpCold, 'peakFds'),
    peakRss20: peakRss(s.rpCold),
    peakFds100: peak(all100, 'peakFds'),
    peakRss100: peakRss(all100),
    // Pooled connections stay open between runs; a leak would show as growth from one warm run to the next.
    fdGrowth: Math.max(...big.map((b) => b.warm[1].endFds - b.warm[0].endFds)),
  };
  bounded.fdsPerHost = (bounded.peakFds100 - idleFds) / BIG_HOSTS;
  bounded.rssPerHost = (bounded.peakRss100 - idleRss) / BIG_HOSTS;
  const cpuRow = (label, rp, an) =>
    `| ${label} | ${fmtCpu(cpuMs(rp, 'clientCpuMs'))} | ${fmtCpu(cpuMs(an, 'clientCpuMs'))} | ${fmtCpu(cpuMs(rp, 'hostsCpuMs'))} | ${fmtCpu(cpuMs(an, 'hostsCpuMs'))} |`;

  const lines = [
    `### SSH fan-out: \`${COMMAND}\` on ${HOSTS} sshd hosts (loopback), Rackpilot vs ${version}`,
    '',
    '| run | hosts | runs | Rackpilot median | ansible -m raw median | ratio (ansible / Rackpilot) | target | verdict |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    `| cold (fresh process and pool / fresh ControlPath) | ${HOSTS} | ${RUNS} | ${sec(median(ms(s.rpCold)))} | ${sec(median(ms(s.anCold)))} | ${coldRatio.toFixed(2)}× | ≥ ${TARGET_RATIO}× | ${verdict} |`,
    `| warm (pooled connections / ControlPersist) | ${HOSTS} | ${RUNS} | ${sec(median(ms(s.rpWarm)))} | ${sec(median(ms(s.anWarm)))} | ${warmRatio.toFixed(2)}× | — | — |`,
    `| ansible start-up alone (\`--list-hosts\`) | — | ${RUNS} | — | ${sec(median(s.anStart))} | — | — | — |`,
    '',
    'CPU time per run (medians; cgroup accounting, so ssh\'s daemonized ControlPersist masters count for ansible):',
    '',
    '| run | Rackpilot process | ansible + its ssh processes | hosts\' sshd, Rackpilot run | hosts\' sshd, ansible run |',
    '|---|---:|---:|---:|---:|',
    cpuRow('cold', s.rpCold, s.anCold),
    cpuRow('warm', s.rpWarm, s.anWarm),
    ...(cpuWhyNot ? ['', `CPU accounting unavailable: ${cpuWhyNot}.`] : []),
    '',
    `#### Rackpilot, ${BIG_HOSTS} hosts (fan-out cap 32, handshake cap 16)`,
    '',
    '| hosts | runs | wall median | peak open fds | peak RSS | idle fds / RSS (after start) |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${HOSTS} (cold) | ${s.rpCold.length} | ${sec(median(ms(s.rpCold)))} | ${bounded.peakFds20} | ${mib(bounded.peakRss20)} | — |`,
    `| ${BIG_HOSTS} (cold) | ${big.length} | ${sec(median(ms(bigCold)))} | ${bounded.peakFds100} | ${mib(bounded.peakRss100)} | ${idleFds} / ${mib(idleRss)} |`,
    `| ${BIG_HOSTS} (warm) | ${bigWarm.length} | ${sec(median(ms(bigWarm)))} | — | — | — |`,
    '',
    `Bounded: over the idle server, ${BIG_HOSTS} hosts add ${bounded.fdsPerHost.toFixed(2)} fd and ${(bounded.rssPerHost / 1024).toFixed(0)} KiB RSS per host at the peak ` +
      `(one pooled TCP connection per node stays open for reuse; channels and buffers exist only for the ≤ 32 nodes running at once); ` +
      `fds grew by ${bounded.fdGrowth} from one warm ${BIG_HOSTS}-host run to the next. RSS is the peak of VmRSS sampled every 20 ms and VmHWM.`,
    `Times: Rackpilot from sending \`nodes.runCommand\` to the job's final \`jobs.changed\` event (server already up; cold = new process); ansible from spawn to exit. ` +
      `Both check host keys (pins / known_hosts with the same keys, StrictHostKeyChecking=yes) and log in with the same key as the same user. ${RUNS} interleaved rounds. ` +
      `The hosts' sshd shares this machine's CPUs with the client: work a real rack does on its nodes' own CPUs weighs on both wall times here.`,
    ...[loadWarning(busyBefore)].filter(Boolean),
  ];
  const metrics = [
    metric(`Rackpilot cold, ${HOSTS} hosts`, ms(s.rpCold), { note: `${coldRatio.toFixed(2)}× ansible` }),
    metric(`ansible -m raw -f ${HOSTS} cold, ${HOSTS} hosts`, ms(s.anCold)),
    metric(`Rackpilot warm, ${HOSTS} hosts`, ms(s.rpWarm), { note: `${warmRatio.toFixed(2)}× ansible` }),
    metric(`ansible -m raw -f ${HOSTS} warm (ControlPersist), ${HOSTS} hosts`, ms(s.anWarm)),
    metric('ansible start-up alone (--list-hosts)', s.anStart),
    { ...metric('cold wall-time ratio of medians (ansible / Rackpilot)', [coldRatio], { unit: '×' }), target: TARGET_RATIO, verdict },
    metric('warm wall-time ratio of medians (ansible / Rackpilot)', [warmRatio], { unit: '×' }),
    ...(cpuWhyNot
      ? []
      : [
          metric(`Rackpilot CPU, cold, ${HOSTS} hosts`, s.rpCold.map((r) => r.clientCpuMs)),
          metric(`ansible CPU (with its ssh), cold, ${HOSTS} hosts`, s.anCold.map((r) => r.clientCpuMs)),
          metric(`hosts' sshd CPU, Rackpilot cold run`, s.rpCold.map((r) => r.hostsCpuMs)),
          metric(`hosts' sshd CPU, ansible cold run`, s.anCold.map((r) => r.hostsCpuMs)),
          metric(`Rackpilot CPU, warm, ${HOSTS} hosts`, s.rpWarm.map((r) => r.clientCpuMs)),
          metric(`ansible CPU (with its ssh), warm, ${HOSTS} hosts`, s.anWarm.map((r) => r.clientCpuMs)),
        ]),
    metric(`Rackpilot cold, ${BIG_HOSTS} hosts`, ms(bigCold)),
    metric(`Rackpilot warm, ${BIG_HOSTS} hosts`, ms(bigWarm)),
    metric(`Rackpilot peak open fds, ${HOSTS} hosts`, s.rpCold.map((r) => r.peakFds), { unit: 'fds' }),
    metric(`Rackpilot peak open fds, ${BIG_HOSTS} hosts`, all100.map((r) => r.peakFds), { unit: 'fds' }),
    metric(`Rackpilot peak RSS, ${HOSTS} hosts`, s.rpCold.map((r) => Math.max(r.peakRss, r.hwm) / MiB), { unit: 'MiB' }),
    metric(`Rackpilot peak RSS, ${BIG_HOSTS} hosts`, all100.map((r) => Math.max(r.peakRss, r.hwm) / MiB), { unit: 'MiB' }),
  ];
  const title = `SSH fan-out, ${HOSTS} and ${BIG_HOSTS} sshd hosts: Rackpilot vs ansible -m raw`;
  return {
    name,
    title,
    environment: { ...environment(), cpuBusyBefore: busyBefore, ansible: version },
    runs: RUNS,
    command: COMMAND,
    ratios: { cold: coldRatio, warm: warmRatio },
    bounded,
    metrics,
    table: lines.join('\n'),
  };
}

if (isMainModule(import.meta.url)) runStandalone(run, { showStack: true });
