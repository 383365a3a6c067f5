/**
 * PXE boot (issue 5): power-on → phone-home time of one virtual node booting the live profile
 * (the practice rack's lab image), Rackpilot's boot services vs the same VM and the same image
 * booted by dnsmasq (DHCP + TFTP) + nginx (HTTP), in the same run. Target: ratio of medians
 * Rackpilot / peer ≤ 1.1.
 *
 * Wiring (root): this process makes a network namespace `rpbench-pxe-<pid>` (lo, bridge br0 with
 * 10.79.0.1/24) and runs itself again inside it (`--inside`), so both sides' servers, their
 * DHCP, and every VM share one isolated L2, and Rackpilot's API is on the namespace's loopback.
 * Nothing reaches the host's networks. The namespace goes in a finally and on exit/SIGINT, after
 * the processes still inside it (all ours) are ended.
 *
 * Each boot: a fresh tap on br0, a fresh empty 4 GiB qcow2, a MAC of its own, and QEMU with the
 * options Rackpilot's own bridged BIOS nodes use (qemu-args.ts: q35 graphics=off, SeaBIOS, QEMU's
 * iPXE ROM on virtio-net, NIC then disk) under TCG, 1536 MiB, 1 vCPU (the practice rack's
 * default; the other host core is left to the servers, as a real rack has the boot server on
 * another machine). One VM at a time; the clock starts just before QEMU is spawned.
 * - Rackpilot: the built headless server, lab image imported with `vlab.useLabImage`, full DHCP
 *   on br0 (`boot.configure` mode dhcp), the node created and armed (`nodes.install`, live-image);
 *   the clock stops at the `nodes.changed` event that says the node is `installed` (phone-home).
 * - Peer: dnsmasq (full DHCP, TFTP undionly.kpxe, iPXE → http script) + nginx serving the script,
 *   NoCloud seed and phone-home path that Rackpilot rendered for a node armed the same way, and
 *   the same kernel/initrd/squashfs files; the clock stops at the phone-home POST in nginx's
 *   access log ($msec). Rackpilot's boot services are stopped meanwhile (one DHCP server on br0).
 * - The sides alternate (the order flips each round), so machine noise hits both alike.
 * Milestones: the serial console (same instrument both sides: firmware, iPXE, the kernel and
 * serial-getty print there; cloud-init writes to tty0) and the servers' logs (Rackpilot's node
 * timeline; dnsmasq's and nginx's).
 *
 * Needs: root, iproute2, qemu-system-x86 + qemu-utils, ipxe-qemu, dnsmasq-base, nginx-light,
 * ipxe (undionly.kpxe), the lab image (scripts/build-lab-image.sh), a build (`npm run build`).
 * Env: BENCH_PXE_RUNS (rounds, one boot per side each, default 3), BENCH_PXE_TIMEOUT_S (per boot,
 * default 600), BENCH_PXE_LOGS (a directory to keep every boot's serial console and the servers'
 * logs in; default: none kept). About 3–4 minutes per round under TCG.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchSkip, SERVER_JS, cpuBusy, environment, isMainModule, loadWarning, median, metric, removeTempDir, requireBuilt, runStandalone, tempDir } from './lib.mjs';
import { CONSOLE_MILESTONES, createLabNamespace } from './pxe-lab.mjs';
import { DNSMASQ, NGINX, missingPeerTools } from './pxe-peer.mjs';
import { startSides } from './pxe-sides.mjs';

export const name = 'pxe-boot';
const RUNS = Number(process.env.BENCH_PXE_RUNS ?? 3);
const TIMEOUT_MS = Number(process.env.BENCH_PXE_TIMEOUT_S ?? 600) * 1000;
const VM = { memoryMb: 1536, cpus: 1 };
const TARGET_RATIO = 1.1;
const THIS_FILE = fileURLToPath(import.meta.url);
const RESULT_PREFIX = 'PXE-BENCH-RESULT ';
const LAB_IMAGE_DIR = join(process.env.RACKPILOT_CACHE_DIR || '/var/cache/rackpilot', 'lab-image', 'current');

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function prerequisites() {
  if (process.getuid?.() !== 0) throw new BenchSkip('needs root: it makes a network namespace with a bridge and taps, and runs DHCP servers in it.');
  const missing = [
    ['ip', 'iproute2'],
    ['qemu-system-x86_64', 'qemu-system-x86'],
    ['qemu-img', 'qemu-utils'],
  ].filter(([cmd]) => !has(cmd));
  if (!existsSync('/usr/lib/ipxe/qemu/pxe-virtio.rom') && !existsSync('/usr/share/qemu/pxe-virtio.rom')) missing.push(['pxe-virtio.rom', 'ipxe-qemu']);
  missing.push(...missingPeerTools());
  if (missing.length) {
    const pkgs = [...new Set(missing.map(([, pkg]) => pkg))].join(' ');
    throw new BenchSkip(`missing ${missing.map(([what, pkg]) => `${what} (${pkg})`).join(', ')}: apt-get install ${pkgs}. dnsmasq + nginx are the peer this benchmark compares with.`);
  }
  if (!existsSync(join(LAB_IMAGE_DIR, 'manifest.json'))) {
    throw new BenchSkip(`no lab image in ${LAB_IMAGE_DIR}: build it once with \`sudo bash scripts/build-lab-image.sh\` (about 3 minutes).`);
  }
  requireBuilt([SERVER_JS]);
}

const firstLine = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.split('\n')[0].trim();
};

// ---------------------------------------------------------------- outer: the namespace

/** Runs this file with `--inside` in the namespace; its progress goes to our stderr, its data comes back as one line. */
function runInside(ns, work) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, BENCH_PXE_WORK: work };
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, THIS_FILE, '--inside'], { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const kill = () => child.kill('SIGKILL');
    process.on('exit', kill);
    child.once('exit', (code, signal) => {
      process.off('exit', kill);
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) resolve(JSON.parse(line.slice(RESULT_PREFIX.length)));
      else reject(new Error(`the benchmark inside ${ns} failed (${code ?? signal}):\n${out.slice(-4000)}`));
    });
  });
}

export async function run() {
  prerequisites();
  const busyBefore = await cpuBusy();
  const lab = createLabNamespace();
  // Made (and removed, on a signal too) here: this process outlives the one inside.
  const work = tempDir('rackpilot-bench-pxe-');
  try {
    const data = await runInside(lab.ns, work);
    const versions = {
      qemu: firstLine('qemu-system-x86_64', ['--version']),
      dnsmasq: firstLine(DNSMASQ, ['--version']).replace(/\s+Copyright.*/, ''),
      nginx: firstLine(NGINX, ['-v']).replace(/^nginx version: /, ''),
      labImage: JSON.parse(readFileSync(join(LAB_IMAGE_DIR, 'manifest.json'), 'utf8')).builtAt,
    };
    return report({ ...data, versions, busyBefore });
  } finally {
    lab.destroy();
    removeTempDir(work);
  }
}

// ---------------------------------------------------------------- inner: the rounds

async function inside() {
  const log = (m) => process.stderr.write(`  pxe-boot: ${m}\n`);
  const keep = process.env.BENCH_PXE_LOGS;
  if (keep) mkdirSync(keep, { recursive: true });
  const work = process.env.BENCH_PXE_WORK;
  if (!work) throw new Error('--inside is how pxe-boot.mjs runs itself in its namespace: run `node bench/pxe-boot.mjs`');
  const dir = keep ? mkdtempSync(join(keep, 'pxe-')) : work;
  const started = Date.now();
  const sides = await startSides({ dir, dataDir: join(work, 'rackpilot-data'), vmSpec: VM, timeoutMs: TIMEOUT_MS, log });
  const samples = { rackpilot: [], peer: [] };
  const order = [];
  try {
    const [rackpilot, peer] = sides.sides;
    for (let i = 0; i < RUNS; i++) {
      const round = i % 2 ? [['peer', peer], ['rackpilot', rackpilot]] : [['rackpilot', rackpilot], ['peer', peer]];
      for (const [key, side] of round) {
        log(`round ${i + 1}/${RUNS}: booting a node from ${side.label}…`);
        const r = await side.boot(i);
        order.push(key);
        samples[key].push(r);
        log(r.ok ? `  ${side.label}: power-on → phone-home ${r.total.toFixed(1)} s` : `  ${side.label}: FAILED: ${r.error.split('\n')[0]}`);
      }
    }
  } finally {
    await sides.close();
    if (keep) log(`serial consoles and server logs kept in ${dir}`);
  }
  return { samples, order, wallSeconds: (Date.now() - started) / 1000 };
}

// ---------------------------------------------------------------- the table

const SERVER_SIDE = {
  lease: { label: 'server acked the iPXE DHCP request', source: 'Rackpilot timeline / dnsmasq log' },
  squashfsStart: { label: 'squashfs download started', source: 'Rackpilot timeline / nginx log' },
  squashfsServed: { label: 'squashfs download finished', source: 'Rackpilot timeline / nginx log' },
  seed: { label: 'user-data (NoCloud seed) served', source: 'Rackpilot timeline / nginx log' },
};
const ON_CONSOLE = Object.fromEntries(CONSOLE_MILESTONES.map((m) => [m.key, { label: m.label, source: 'serial console' }]));
/** In the order a boot meets them. */
const MILESTONES = ['lease', 'dhcp', 'script', 'initrd', 'squashfsStart', 'squashfsServed', 'squashfs', 'systemd', 'seed', 'login']
  .map((key) => ({ key, ...(SERVER_SIDE[key] ?? ON_CONSOLE[key]) }))
  .filter((m) => m.label);

/** Durations between two milestones of the same boot (medians over boots). */
const SPANS = [
  { label: 'DHCP: power-on → server acked iPXE', from: null, to: 'lease', source: 'server logs' },
  { label: 'server acked iPXE → iPXE reports net0 configured (see below)', from: 'lease', to: 'dhcp', source: 'server logs / serial console' },
  { label: 'kernel + initrd download by iPXE', from: 'script', to: 'initrd', source: 'serial console' },
  { label: 'squashfs download (live-boot wget)', from: 'squashfsStart', to: 'squashfsServed', source: 'server logs' },
  { label: 'seed served → phone-home (cloud-init config and final stages)', from: 'seed', to: 'total', source: 'server logs' },
];
function span(rs, sp) {
  const at = (r, key) => (key === null ? 0 : key === 'total' ? r.total : r.milestones[key]);
  return median(rs.filter((r) => r.ok).map((r) => at(r, sp.to) - at(r, sp.from)).filter(Number.isFinite));
}

const sec = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} s` : '—');

function report({ samples, order, wallSeconds, versions, busyBefore }) {
  const ok = (rs) => rs.filter((r) => r.ok);
  const totals = (rs) => ok(rs).map((r) => r.total);
  const rp = totals(samples.rackpilot);
  const pe = totals(samples.peer);
  const ratio = median(rp) / median(pe);
  const verdict = Number.isNaN(ratio) ? 'no data' : ratio <= TARGET_RATIO ? 'PASS' : 'FAIL';
  const peerName = `dnsmasq ${versions.dnsmasq.replace(/^Dnsmasq version /, '')} + nginx ${versions.nginx.replace(/^nginx\//, '')}`;
  const all = (vs) => (vs.length ? vs.map((v) => v.toFixed(1)).join(', ') : '—');
  const mile = (rs, key) => median(ok(rs).map((r) => r.milestones[key]).filter((v) => typeof v === 'number'));
  const failures = [...samples.rackpilot.map((r) => ['Rackpilot', r]), ...samples.peer.map((r) => [peerName, r])].filter(([, r]) => !r.ok);

  const lines = [
    `### PXE boot, power-on → phone-home (live profile, lab image of ${versions.labImage.slice(0, 10)}): Rackpilot vs ${peerName}`,
    '',
    '| side | boots (ok) | median | min | max | all samples (s) |',
    '|---|---:|---:|---:|---:|---|',
    `| Rackpilot (full DHCP + TFTP + HTTP) | ${samples.rackpilot.length} (${rp.length}) | ${sec(median(rp))} | ${sec(Math.min(...rp))} | ${sec(Math.max(...rp))} | ${all(rp)} |`,
    `| ${peerName} | ${samples.peer.length} (${pe.length}) | ${sec(median(pe))} | ${sec(Math.min(...pe))} | ${sec(Math.max(...pe))} | ${all(pe)} |`,
    '',
    `Ratio of medians, Rackpilot / peer: **${Number.isNaN(ratio) ? '—' : ratio.toFixed(3)}** (target ≤ ${TARGET_RATIO}) → **${verdict}**`,
    '',
    'Milestones, median seconds after power-on:',
    '',
    '| milestone | Rackpilot | peer | source |',
    '|---|---:|---:|---|',
    ...MILESTONES.map((m) => `| ${m.label} | ${sec(mile(samples.rackpilot, m.key))} | ${sec(mile(samples.peer, m.key))} | ${m.source} |`),
    `| **phone-home** (cloud-init phone_home POST) | **${sec(median(rp))}** | **${sec(median(pe))}** | node state event / nginx log |`,
    '',
    'Where the servers do the work, median durations:',
    '',
    '| transfer | Rackpilot | peer | source |',
    '|---|---:|---:|---|',
    ...SPANS.map((sp) => `| ${sp.label} | ${sec(span(samples.rackpilot, sp))} | ${sec(span(samples.peer, sp))} | ${sp.source} |`),
    '',
    "iPXE's \"Configuring net0\" waits for all its configurators: besides DHCP the ROM runs IPv6 autoconfiguration, and with no router " +
      'advertisement on the lab network its router solicitations back off (~16 s) until they give up — the same wait on both sides.',
    '',
    `${order.length / 2} round${order.length === 2 ? '' : 's'}, order alternating (${order.map((k) => (k === 'rackpilot' ? 'R' : 'P')).join(' ')}); one VM at a time: ${versions.qemu}, TCG, q35 + SeaBIOS + QEMU's iPXE ROM, virtio-net on a tap of br0, ` +
      `${VM.memoryMb} MiB, ${VM.cpus} vCPU, empty qcow2; a fresh MAC, tap and disk per boot. Both sides serve the same script, seed and image bytes; ` +
      `dnsmasq with --no-ping and no router/DNS option, as Rackpilot's DHCP is configured. Whole benchmark ${(wallSeconds / 60).toFixed(1)} min.`,
    ...failures.slice(0, 3).map(([who, r]) => `\nFailed boot (${who}): ${r.error.split('\n').slice(0, 20).join('\n    ')}`),
    ...[loadWarning(busyBefore)].filter(Boolean),
  ];
  const milestoneMetrics = (label, rs) =>
    MILESTONES.map((m) => metric(`${label}: ${m.label}`, ok(rs).map((r) => r.milestones[m.key]).filter((v) => typeof v === 'number'), { unit: 's' }));
  const metrics = [
    metric('Rackpilot power-on → phone-home', rp, { unit: 's', note: `${Number.isNaN(ratio) ? '—' : ratio.toFixed(3)}× peer` }),
    metric(`${peerName} power-on → phone-home`, pe, { unit: 's' }),
    { ...metric('ratio of medians (Rackpilot / peer)', Number.isNaN(ratio) ? [] : [ratio], { unit: '×' }), target: TARGET_RATIO, verdict },
    ...milestoneMetrics('Rackpilot', samples.rackpilot),
    ...milestoneMetrics('peer', samples.peer),
  ];
  const title = `PXE boot power-on → phone-home: Rackpilot vs ${peerName}`;
  return {
    name,
    title,
    environment: { ...environment(), cpuBusyBefore: busyBefore, ...versions },
    runs: RUNS,
    vm: VM,
    ratio,
    order,
    samples,
    metrics,
    table: lines.join('\n'),
  };
}

if (process.argv.includes('--inside')) {
  inside().then(
    (data) => {
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(data)}\n`);
      process.exit(0);
    },
    (err) => {
      console.error(err.stack ?? err.message);
      process.exit(1);
    },
  );
} else if (isMainModule(import.meta.url)) {
  runStandalone(run, { showStack: true });
}
