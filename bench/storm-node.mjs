/**
 * The boot storm's simulated nodes: one process, started by boot-storm.mjs inside the storm's
 * network namespace (`node bench/storm-node.mjs <config JSON>`), that powers on every node at
 * once and boots each like PXE firmware would — DHCP, the proxy port (UEFI), TFTP, HTTP — then
 * prints one JSON report line. The retry behaviour is exported so the report can state it.
 */
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isMainModule } from './lib.mjs';
import { udpCounters } from './storm-net.mjs';

export const BLKSIZE = 1468;
export const DHCP_RETRY_MS = 1000;
export const DHCP_RESENDS = 4;
export const TFTP_TIMEOUT_MS = 1000;
export const TFTP_RESENDS = 5;
const HTTP_TIMEOUT_MS = 10_000;
export const HTTP_RETRIES = 2;

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

if (isMainModule(import.meta.url)) {
  stormClients(JSON.parse(process.argv[2])).catch((err) => {
    console.error(err.stack ?? err);
    process.exit(1);
  });
}
