/**
 * Boot storm (issue 3): 200 machines power on at once and PXE boot from one Rackpilot. Half are
 * BIOS (arch 0), half x64 UEFI (arch 7). Each one, independently and with no stagger:
 *   1. DHCPDISCOVER (options 60 PXEClient, 93 arch, 94, 97 GUID) broadcast → proxyDHCP OFFER,
 *      checked: boot file in `file` and option 67, siaddr/54, 60 PXEClient, 97 echoed, 43 for BIOS only;
 *   2. UEFI only: DHCPREQUEST unicast to the proxy port (4011's stand-in) → ACK, same checks;
 *   3. TFTP RRQ of the boot file (undionly.kpxe / ipxe.efi), blksize 1468 + tsize, lock-step to
 *      the end, size and SHA-256 checked against the file the server serves;
 *   4. HTTP GET /boot.ipxe?mac=<mac>, checked to be this node's install script.
 * Retries like firmware: DHCP resends after 1 s, up to 4 times; TFTP resends its last packet
 * after 1 s of silence, up to 5 times in a row; HTTP retries a failed connection twice. All
 * are counted. The whole storm is bounded (BENCH_STORM_TIMEOUT_S); a node that has not finished
 * by then fails at the stage it was in.
 *
 * Wiring (root only): a fresh headless server with 200 imported, armed (live-image) nodes, proxy
 * mode on the host end of a veth pair (172.31.x.1, a /24 no route uses), high ports. The nodes
 * are one Node process inside a network namespace `rp-storm-<pid>` on the other end, each with
 * its own address (172.31.x.10+i) for its unicast traffic; DISCOVERs leave from one socket on
 * port 68 that also hears the broadcast OFFERs (a real node hears every OFFER too and keeps the
 * one with its xid). The namespace and veth are removed in a finally and on exit/SIGINT.
 * No peer comparison: the issue asks this benchmark for "all succeed" and p50/p99 per stage only.
 * Env: BENCH_STORM_NODES (default 200, max 240), BENCH_STORM_TIMEOUT_S (default 120).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BenchSkip, ROOT, SERVER_JS, connectRpc, cpuBusy, environment, loadWarning, metric, percentile, requireBuilt, startServer, writeResult, wsUrl } from './lib.mjs';

export const name = 'boot-storm';
const NODES = Number(process.env.BENCH_STORM_NODES ?? 200);
const TIMEOUT_MS = Number(process.env.BENCH_STORM_TIMEOUT_S ?? 120) * 1000;
const BLKSIZE = 1468;
const DHCP_RETRY_MS = 1000;
const DHCP_RESENDS = 4;
const TFTP_TIMEOUT_MS = 1000;
const TFTP_RESENDS = 5;
const HTTP_TIMEOUT_MS = 10_000;
const HTTP_RETRIES = 2;
const WANTED_PORTS = { dhcp: 1067, proxy: 14011, tftp: 1069 };
const FILES = { bios: 'undionly.kpxe', uefi: 'ipxe.efi' };

// ---------------------------------------------------------------- the lab network (root namespace side)

function sh(args, input) {
  const r = spawnSync('ip', args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** A /24 in 172.31.150–254 that nothing routes yet. */
function freeSubnet() {
  const routes = sh(['-4', 'route', 'show', 'table', 'all']) + sh(['-4', 'addr']);
  for (let k = 0; k < 105; k++) {
    const subnet = `172.31.${150 + ((process.pid + k) % 105)}`;
    if (!routes.includes(`${subnet}.`)) return subnet;
  }
  throw new Error('no free 172.31.150-254.0/24 for the storm network');
}

function createStormNet(count) {
  const ns = `rp-storm-${process.pid}`;
  const hostIf = `rpsh${process.pid}`.slice(0, 15);
  const nsIf = `rpsn${process.pid}`.slice(0, 15);
  const destroy = () => {
    spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', hostIf], { stdio: 'ignore' });
  };
  destroy(); // what a killed run with the same pid left
  process.on('exit', destroy);
  process.once('SIGINT', destroy); // lib.mjs exits on SIGINT; 'exit' then runs destroy again, harmlessly
  const subnet = freeSubnet();
  try {
    sh(['netns', 'add', ns]);
    sh(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    sh(['link', 'set', nsIf, 'netns', ns]);
    sh(['addr', 'add', `${subnet}.1/24`, 'dev', hostIf]);
    sh(['link', 'set', hostIf, 'up']);
    const batch = [`link set lo up`, `addr add ${subnet}.2/24 dev ${nsIf}`, `link set ${nsIf} up`, `route add default dev ${nsIf}`];
    for (let i = 0; i < count; i++) batch.push(`addr add ${subnet}.${10 + i}/24 dev ${nsIf}`);
    sh(['-n', ns, '-batch', '-'], `${batch.join('\n')}\n`);
  } catch (err) {
    destroy();
    throw err;
  }
  return { ns, hostIf, serverAddress: `${subnet}.1`, clientAddress: (i) => `${subnet}.${10 + i}`, destroy };
}

function udpPortFree(port) {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}

async function freeTcpPort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '0.0.0.0', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The suggested high ports, or a free one when something on the host holds it. */
async function pickPorts() {
  const ports = {};
  for (const [k, want] of Object.entries(WANTED_PORTS)) {
    let port = want;
    while (!(await udpPortFree(port))) port = 20000 + Math.floor(Math.random() * 20000);
    ports[k] = port;
  }
  ports.http = await freeTcpPort();
  return ports;
}

/** The iPXE binary the server will send, found the way tftp-starter does: bundled, then Debian's. */
function bootFile(fileName) {
  for (const dir of [join(ROOT, 'assets', 'ipxe'), '/usr/lib/ipxe']) {
    const path = join(dir, fileName);
    if (existsSync(path)) {
      const data = readFileSync(path);
      return { name: fileName, size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
    }
  }
  throw new BenchSkip(`${fileName} not found in assets/ipxe or /usr/lib/ipxe: apt-get install ipxe`);
}

/** utime + stime of a process in ms (Linux, USER_HZ 100). */
function cpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

/** UDP counters of the current network namespace (/proc/net/snmp): InDatagrams, RcvbufErrors, … */
function udpCounters() {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const [keys, values] = lines.map((l) => l.split(/\s+/).slice(1));
  return Object.fromEntries(keys.map((k, i) => [k, Number(values[i])]));
}

/** Datagrams the kernel dropped on the sockets bound to these local UDP ports (/proc/net/udp "drops"). */
function socketDrops(ports) {
  let drops = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13) continue;
    if (ports.includes(parseInt(f[1].split(':')[1], 16))) drops += Number(f[f.length - 1]);
  }
  return drops;
}

/** Runs the simulated nodes inside the namespace (this file with --storm-client) and parses their report. */
function runClients(ns, cfg) {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, fileURLToPath(import.meta.url), '--storm-client', JSON.stringify(cfg)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // On exit/SIGINT of this process the nodes go too, before their namespace is deleted.
    const killChild = () => child.kill('SIGKILL');
    process.on('exit', killChild);
    const timer = setTimeout(killChild, cfg.timeoutMs + 30_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('exit', killChild);
      const last = out.trim().split('\n').pop();
      try {
        if (code !== 0) throw new Error(`exit ${code ?? signal}`);
        resolve(JSON.parse(last));
      } catch (e) {
        reject(new Error(`storm clients failed (${e.message}):\n${err}\n${out.slice(-2000)}`));
      }
    });
  });
}

// ---------------------------------------------------------------- the benchmark

const STAGES = [
  { key: 'dhcp', label: 'DISCOVER → proxy OFFER', who: () => true },
  { key: 'proxy', label: 'REQUEST → ACK on the proxy port (4011), UEFI', who: (c) => c.firmware === 'uefi' },
  { key: 'tftp', label: `TFTP ${FILES.bios} (BIOS)`, who: (c) => c.firmware === 'bios' },
  { key: 'tftp', label: `TFTP ${FILES.uefi} (UEFI)`, who: (c) => c.firmware === 'uefi' },
  { key: 'http', label: 'HTTP GET /boot.ipxe?mac=…', who: () => true },
  { key: 'total', label: 'total: power-on → install script', who: () => true },
];

function fmtMs(v) {
  return Number.isFinite(v) ? `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms` : '—';
}

export async function run() {
  if (process.getuid?.() !== 0) throw new BenchSkip('needs root: it creates a network namespace and a veth pair for the simulated nodes');
  if (spawnSync('ip', ['-V']).status !== 0) throw new BenchSkip('iproute2 (ip) is not installed');
  if (!(NODES >= 2 && NODES <= 240)) throw new Error(`BENCH_STORM_NODES must be 2-240 (one /24 of client addresses), not ${NODES}`);
  requireBuilt([SERVER_JS]);
  const files = { bios: bootFile(FILES.bios), uefi: bootFile(FILES.uefi) };
  const busyBefore = await cpuBusy();
  const net = createStormNet(NODES);
  let server;
  let rpc;
  try {
    server = startServer();
    const ready = await server.ready;
    rpc = await connectRpc(wsUrl(ready));
    const hex = (v) => v.toString(16).padStart(2, '0');
    const nodes = Array.from({ length: NODES }, (_, i) => ({
      name: `storm-${String(i).padStart(3, '0')}`,
      mac: `52:54:00:aa:${hex(i >> 8)}:${hex(i & 0xff)}`,
      firmware: i % 2 ? 'uefi' : 'bios',
      ip: net.clientAddress(i),
    }));
    const imported = await rpc.call('nodes.import', { nodes: nodes.map(({ name: n, mac }) => ({ name: n, mac })) }, { timeoutMs: 60_000 });
    if (imported.rejected.length) throw new Error(`nodes.import refused rows: ${JSON.stringify(imported.rejected.slice(0, 3))}`);
    await Promise.all(imported.created.map((n) => rpc.call('nodes.install', { id: n.id, profileId: 'live-image', confirmName: n.name })));
    const ports = await pickPorts();
    await rpc.call('boot.configure', { mode: 'proxy', serverAddress: net.serverAddress, interfaceName: net.hostIf, ports });
    const status = await rpc.call('boot.start', {});
    const down = status.services.filter((s) => ['proxy-dhcp', 'tftp', 'http'].includes(s.name) && s.state !== 'listening');
    if (down.length) throw new Error(`boot services not listening: ${down.map((s) => `${s.name}: ${s.error?.message ?? s.state}`).join('; ')}`);
    if (status.ipxe.missing.some((m) => m === FILES.bios || m === FILES.uefi)) throw new Error(`server lacks iPXE binaries: ${status.ipxe.message}`);

    const cpuBefore = cpuMs(server.child.pid);
    const hostUdpBefore = udpCounters();
    const report = await runClients(net.ns, { server: net.serverAddress, ports, nodes, files, timeoutMs: TIMEOUT_MS });
    const serverCpuMs = cpuMs(server.child.pid) - cpuBefore;
    // Where datagrams were lost: the server's DHCP sockets, the whole host side, the nodes' side.
    const drops = {
      serverDhcpSockets: socketDrops([ports.dhcp, ports.proxy]),
      hostRcvbufErrors: udpCounters().RcvbufErrors - hostUdpBefore.RcvbufErrors,
      nodesRcvbufErrors: report.nodesRcvbufErrors,
    };
    await rpc.call('boot.stop', {});

    const clients = report.clients.map((r, i) => ({ ...r, firmware: nodes[i].firmware }));
    const rows = [];
    const metrics = [];
    for (const st of STAGES) {
      // A node that failed an earlier stage never reached this one: counted there, not here.
      const entries = clients.filter(st.who).map((c) => c.stages[st.key]).filter(Boolean);
      const okMs = entries.filter((e) => e.ok).map((e) => e.ms).sort((a, b) => a - b);
      const failed = entries.length - okMs.length;
      const retries = entries.reduce((n, e) => n + e.retries, 0);
      const p50 = percentile(okMs, 50);
      const p99 = percentile(okMs, 99);
      rows.push(`| ${st.label} | ${entries.length} | ${okMs.length} | ${failed} | ${retries} | ${fmtMs(p50)} | ${fmtMs(p99)} | ${fmtMs(okMs[okMs.length - 1])} |`);
      metrics.push({ ...metric(st.label, okMs), clients: entries.length, ok: okMs.length, failed, retries, p50, p99 });
    }
    const allOk = clients.filter((c) => c.ok).length;
    const verdict = allOk === NODES ? 'PASS' : 'FAIL';
    metrics.push({ ...metric('nodes that finished every stage', [allOk], { unit: '' }), target: NODES, verdict });
    const failures = clients.filter((c) => !c.ok).slice(0, 5).map((c) => `- ${c.mac} (${c.firmware}): ${c.error}`);

    const title = `Boot storm: ${NODES} simulated nodes PXE booting at once (${NODES / 2} BIOS + ${NODES / 2} UEFI), proxy mode over a veth`;
    const lines = [
      `### ${title}`,
      '',
      '| stage | nodes reaching it | ok | failed | retries | p50 | p99 | max |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...rows,
      '',
      `Nodes that finished every stage: **${allOk}/${NODES} → ${verdict}** (target: all). Wall time, first DISCOVER → last node done: **${(report.wallMs / 1000).toFixed(2)} s**; ` +
        `server CPU during the storm: ${(serverCpuMs / 1000).toFixed(2)} s.`,
      `UDP datagrams dropped for a full receive buffer: ${drops.serverDhcpSockets} on the server's DHCP/proxy sockets, ` +
        `${drops.hostRcvbufErrors} on the whole host side (server), ${drops.nodesRcvbufErrors} on the simulated nodes' side.`,
      `Latencies per node and stage, retries included (p50/p99 nearest-rank over the nodes that passed the stage). TFTP blksize ${BLKSIZE}, ` +
        `${files.bios.size} B / ${files.uefi.size} B, size and SHA-256 checked. Retries: DHCP resend after ${DHCP_RETRY_MS / 1000} s (≤ ${DHCP_RESENDS}), ` +
        `TFTP resend after ${TFTP_TIMEOUT_MS / 1000} s of silence (≤ ${TFTP_RESENDS} in a row), HTTP ≤ ${HTTP_RETRIES}. Ports: DHCP ${ports.dhcp}, proxy ${ports.proxy}, TFTP ${ports.tftp}, HTTP ${ports.http}.`,
      'No peer comparison: the issue asks this benchmark for all-succeed and p50/p99 per stage only.',
      ...(failures.length ? ['', 'First failures:', ...failures] : []),
      ...[loadWarning(busyBefore)].filter(Boolean),
    ];
    const result = {
      name,
      title,
      environment: { ...environment(), cpuBusyBefore: busyBefore },
      nodes: NODES,
      wallMs: report.wallMs,
      serverCpuMs,
      drops,
      ports,
      files,
      metrics,
      clients,
    };
    return { ...result, table: lines.join('\n') };
  } finally {
    rpc?.close();
    await server?.stop();
    net.destroy();
  }
}

// ---------------------------------------------------------------- the simulated nodes (inside the namespace)

const u16 = (v) => [v >> 8, v & 0xff];
const ipBytes = (a) => Buffer.from(a.split('.').map(Number));
const ipText = (b, at) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
const cstr = (b) => b.toString('latin1').replace(/\0.*$/s, '');

/** A PXE ROM's DISCOVER (type 1) or its REQUEST to the boot server (type 3), RFC 2131 + RFC 4578. */
function dhcpPacket({ type, xid, mac, arch, guid, ciaddr = '0.0.0.0', secs = 0, broadcast = true }) {
  const head = Buffer.alloc(240);
  head.set([1, 1, 6, 0]);
  head.writeUInt32BE(xid, 4);
  head.writeUInt16BE(secs, 8);
  head.writeUInt16BE(broadcast ? 0x8000 : 0, 10);
  ipBytes(ciaddr).copy(head, 12);
  Buffer.from(mac.replace(/:/g, ''), 'hex').copy(head, 28);
  head.writeUInt32BE(0x63825363, 236);
  const options = [
    [53, [type]],
    [57, u16(1472)],
    [55, [1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66, 67, 97, 128, 129, 130, 131, 132, 133, 134, 135]],
    [97, [0, ...guid]],
    [94, [1, 2, 1]],
    [93, u16(arch)],
    [60, [...Buffer.from(`PXEClient:Arch:${String(arch).padStart(5, '0')}:UNDI:002001`)]],
  ];
  const body = options.flatMap(([code, data]) => [code, data.length, ...data]);
  return Buffer.concat([head, Buffer.from([...body, 255])]);
}

function decodeDhcp(msg) {
  if (msg.length < 240 || msg.readUInt32BE(236) !== 0x63825363) return null;
  const options = new Map();
  for (let i = 240; i < msg.length; ) {
    const code = msg[i++];
    if (code === 0) continue;
    if (code === 255) break;
    const len = msg[i++];
    if (len === undefined || i + len > msg.length) return null;
    const prev = options.get(code);
    options.set(code, prev ? Buffer.concat([prev, msg.subarray(i, i + len)]) : msg.subarray(i, i + len));
    i += len;
  }
  return { op: msg[0], xid: msg.readUInt32BE(4), yiaddr: ipText(msg, 16), siaddr: ipText(msg, 20), chaddr: msg.subarray(28, 34).toString('hex'), file: cstr(msg.subarray(108, 236)), options };
}

/** Why a proxyDHCP answer is wrong for this node, or null when it is right (DESIGN §5.4). */
function checkAnswer(p, want) {
  const type = p.options.get(53)?.[0];
  if (p.op !== 2 || type !== want.type) return `expected DHCP type ${want.type}, got op ${p.op} type ${type}`;
  if (p.yiaddr !== '0.0.0.0') return `proxy answer carries an address (${p.yiaddr})`;
  if (p.siaddr !== want.server || ipText(p.options.get(54) ?? Buffer.alloc(4), 0) !== want.server) return `siaddr/54 ${p.siaddr} is not ${want.server}`;
  if (p.options.get(60)?.toString() !== 'PXEClient') return `option 60 is ${p.options.get(60)?.toString()}`;
  if (!p.options.get(97)?.equals(Buffer.from([0, ...want.guid]))) return 'option 97 (GUID) not echoed';
  if (p.file !== want.file || p.options.get(67)?.toString() !== want.file) return `boot file "${p.file}"/"${p.options.get(67)}" is not ${want.file}`;
  const pxe = p.options.get(43);
  let useBootfile = false;
  for (let i = 0; pxe && i + 1 < pxe.length && pxe[i] !== 255; i += 2 + pxe[i + 1]) {
    if (pxe[i] === 6 && pxe[i + 1] === 1 && pxe[i + 2] === 8) useBootfile = true;
  }
  if (want.firmware === 'bios' && !useBootfile) return 'BIOS answer lacks option 43 sub-option 6 = 8';
  if (want.firmware === 'uefi' && pxe) return 'UEFI answer carries option 43';
  return null;
}

/**
 * Sends, resends after DHCP_RETRY_MS up to DHCP_RESENDS times, resolves with the first answer
 * `judge` accepts (null); a wrong answer (a string) fails at once.
 */
function dhcpExchange(send, subscribe, judge) {
  return new Promise((resolve, reject) => {
    let retries = 0;
    let timer;
    const unsubscribe = subscribe((p) => {
      const verdict = judge(p);
      if (verdict === undefined) return;
      clearTimeout(timer);
      unsubscribe();
      if (verdict === null) resolve({ retries });
      else reject(Object.assign(new Error(verdict), { retries }));
    });
    const attempt = () => {
      send(retries);
      timer = setTimeout(() => {
        if (retries === DHCP_RESENDS) {
          unsubscribe();
          reject(Object.assign(new Error(`no answer after ${DHCP_RESENDS + 1} tries`), { retries }));
        } else {
          retries++;
          attempt();
        }
      }, DHCP_RETRY_MS);
    };
    attempt();
  });
}

/** Lock-step TFTP read (RFC 1350 + 2347/2348/2349) with resend of the last packet on silence. */
function tftpGet(socket, server, port, file) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let tid = null;
    let blksize = 512;
    let tsize = null;
    let expected = 1;
    let retries = 0;
    let silentRounds = 0;
    let last = { data: Buffer.from(`\0\x01${file}\0octet\0blksize\0${BLKSIZE}\0tsize\x000\0`, 'latin1'), port };
    let timer;
    const finish = (err, value) => {
      clearTimeout(timer);
      socket.removeAllListeners('message');
      if (err) reject(Object.assign(err, { retries }));
      else resolve({ ...value, retries });
    };
    const send = (data, toPort) => {
      last = { data, port: toPort };
      socket.send(data, toPort, server);
      arm();
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (silentRounds++ === TFTP_RESENDS) return finish(new Error(`TFTP: silence after ${TFTP_RESENDS} resends at block ${expected}`));
        retries++;
        socket.send(last.data, last.port, server);
        arm();
      }, TFTP_TIMEOUT_MS);
    };
    const ack = (block) => Buffer.from([0, 4, ...u16(block)]);
    socket.on('message', (msg, rinfo) => {
      if (rinfo.address !== server || msg.length < 4) return;
      if (tid === null) tid = rinfo.port;
      if (rinfo.port !== tid) {
        // A second transfer started by our resent RRQ: tell it to stop (RFC 1350 "unknown TID").
        socket.send(Buffer.from('\0\x05\0\x05unknown transfer ID\0', 'latin1'), rinfo.port, server);
        return;
      }
      silentRounds = 0;
      const op = msg.readUInt16BE(0);
      if (op === 5) return finish(new Error(`TFTP error ${msg.readUInt16BE(2)}: ${cstr(msg.subarray(4))}`));
      if (op === 6) {
        const f = msg.subarray(2).toString('latin1').split('\0');
        for (let i = 0; i + 1 < f.length; i += 2) {
          if (f[i].toLowerCase() === 'blksize') blksize = Number(f[i + 1]);
          if (f[i].toLowerCase() === 'tsize') tsize = Number(f[i + 1]);
        }
        if (expected === 1) send(ack(0), tid);
        return;
      }
      if (op !== 3) return;
      const block = msg.readUInt16BE(2);
      if (block !== (expected & 0xffff)) {
        if (block === ((expected - 1) & 0xffff)) send(ack(block), tid); // our ACK was lost: repeat it
        return;
      }
      chunks.push(msg.subarray(4));
      expected++;
      if (msg.length - 4 < blksize) {
        socket.send(ack(block), tid, server);
        const data = Buffer.concat(chunks);
        finish(null, { bytes: data.length, blksize, tsize, sha256: createHash('sha256').update(data).digest('hex') });
      } else send(ack(block), tid);
    });
    socket.send(last.data, port, server);
    arm();
  });
}

function httpGetOnce(url, localAddress) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { localAddress, agent: false, timeout: HTTP_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${HTTP_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

async function httpGet(url, localAddress) {
  for (let retries = 0; ; retries++) {
    try {
      return { ...(await httpGetOnce(url, localAddress)), retries };
    } catch (err) {
      if (retries === HTTP_RETRIES) throw Object.assign(err, { retries });
    }
  }
}

const bindUdp = (address, port = 0, reuseAddr = false) =>
  new Promise((resolve, reject) => {
    const s = createSocket({ type: 'udp4', reuseAddr });
    s.once('error', reject);
    s.bind(port, address, () => {
      s.off('error', reject);
      s.on('error', () => {}); // a send error on one node must not end the storm
      resolve(s);
    });
  });

async function stormClients({ server, ports, nodes, files, timeoutMs }) {
  // Every node hears every broadcast OFFER on port 68, as on a real LAN, and keeps its own xid.
  const shared = await bindUdp('0.0.0.0', 68, true);
  shared.setBroadcast(true);
  const byXid = new Map();
  shared.on('message', (msg) => {
    const p = decodeDhcp(msg);
    if (p) byXid.get(p.xid)?.(p);
  });
  // Sockets first, so the storm times packets, not socket setup.
  const perNode = await Promise.all(nodes.map(async (n) => ({ dhcp: await bindUdp(n.ip), tftp: await bindUdp(n.ip) })));
  let timedOut = false;
  const deadline = new Promise((_, reject) => setTimeout(() => ((timedOut = true), reject(new Error(`overall timeout ${timeoutMs / 1000} s`))), timeoutMs));
  deadline.catch(() => {});

  const bootOne = async (n, i) => {
    const arch = n.firmware === 'bios' ? 0 : 7;
    const guid = [...createHash('md5').update(n.mac).digest()];
    const file = files[n.firmware];
    const base = { mac: n.mac, arch, guid, server, file: file.name, firmware: n.firmware };
    const xid = (0x5000_0000 + i * 7919) >>> 0;
    const stages = {};
    const t0 = performance.now();
    const stage = async (key, fn) => {
      const s = performance.now();
      try {
        const r = await Promise.race([fn(), deadline]);
        stages[key] = { ok: true, ms: performance.now() - s, retries: r?.retries ?? 0 };
        return r;
      } catch (err) {
        stages[key] = { ok: false, ms: performance.now() - s, retries: err.retries ?? 0, error: err.message };
        throw new Error(`${key}: ${err.message}`, { cause: err });
      }
    };
    try {
      await stage('dhcp', () =>
        dhcpExchange(
          (tries) => shared.send(dhcpPacket({ ...base, type: 1, xid, secs: tries }), ports.dhcp, '255.255.255.255'),
          (fn) => (byXid.set(xid, fn), () => byXid.delete(xid)),
          (p) => (p.chaddr === n.mac.replace(/:/g, '') ? checkAnswer(p, { ...base, type: 2 }) : undefined),
        ),
      );
      if (n.firmware === 'uefi') {
        const sock = perNode[i].dhcp;
        await stage('proxy', () =>
          dhcpExchange(
            (tries) => sock.send(dhcpPacket({ ...base, type: 3, xid: xid + 1, secs: tries, ciaddr: n.ip, broadcast: false }), ports.proxy, server),
            (fn) => {
              const h = (msg) => {
                const p = decodeDhcp(msg);
                if (p && p.xid === xid + 1) fn(p);
              };
              sock.on('message', h);
              return () => sock.off('message', h);
            },
            (p) => checkAnswer(p, { ...base, type: 5 }),
          ),
        );
      }
      await stage('tftp', async () => {
        const r = await tftpGet(perNode[i].tftp, server, ports.tftp, file.name);
        const bad =
          r.blksize !== BLKSIZE ? `blksize ${r.blksize} granted, asked ${BLKSIZE}` :
          r.tsize !== file.size ? `tsize ${r.tsize}, file is ${file.size} B` :
          r.bytes !== file.size ? `got ${r.bytes} B of ${file.size}` :
          r.sha256 !== file.sha256 ? 'SHA-256 differs from the served file' : null;
        if (bad) throw Object.assign(new Error(bad), { retries: r.retries });
        return r;
      });
      await stage('http', async () => {
        const r = await httpGet(`http://${server}:${ports.http}/boot.ipxe?mac=${n.mac}`, n.ip);
        if (r.status !== 200 || !r.body.startsWith('#!ipxe') || !r.body.includes(`Rackpilot: installing`) || !r.body.includes(n.name) || !/^kernel /m.test(r.body)) {
          throw Object.assign(new Error(`not ${n.name}'s install script: HTTP ${r.status} ${JSON.stringify(r.body.slice(0, 160))}`), { retries: r.retries });
        }
        return r;
      });
      const retries = Object.values(stages).reduce((s, x) => s + x.retries, 0);
      stages.total = { ok: true, ms: performance.now() - t0, retries };
      return { mac: n.mac, ok: true, stages };
    } catch (err) {
      stages.total = { ok: false, ms: performance.now() - t0, retries: Object.values(stages).reduce((s, x) => s + x.retries, 0) };
      return { mac: n.mac, ok: false, error: err.message, stages };
    }
  };

  const udpBefore = udpCounters();
  const started = performance.now();
  const clients = await Promise.all(nodes.map(bootOne));
  const wallMs = performance.now() - started;
  const nodesRcvbufErrors = udpCounters().RcvbufErrors - udpBefore.RcvbufErrors;
  process.stdout.write(`${JSON.stringify({ wallMs, timedOut, nodesRcvbufErrors, clients })}\n`, () => process.exit(0));
}

// ---------------------------------------------------------------- entry points

if (process.argv[2] === '--storm-client') {
  stormClients(JSON.parse(process.argv[3])).catch((err) => {
    console.error(err.stack ?? err);
    process.exit(1);
  });
} else if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().then(
    (r) => {
      console.log(r.table);
      console.log(`\nwrote ${writeResult(r.name, r)}`);
      process.exit(0);
    },
    (err) => {
      console.error(err.stack ?? err.message);
      process.exit(1);
    },
  );
}
