/**
 * The PXE benchmark's peer: the classic lab set-up of dnsmasq (full DHCP + TFTP) and nginx
 * (HTTP), serving the very files Rackpilot renders for a node armed the same way — its iPXE
 * script, its NoCloud seed, the same kernel/initrd/squashfs bytes — with Rackpilot's host:port
 * rewritten to nginx's. nginx logs every request with $msec, so the phone-home POST (answered
 * 200 by nginx itself) stops the clock; dnsmasq logs to our pipe and we time its lines.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BRIDGE, SUBNET } from './pxe-lab.mjs';

export const DNSMASQ = '/usr/sbin/dnsmasq';
export const NGINX = '/usr/sbin/nginx';
export const IPXE_DIR = '/usr/lib/ipxe';
const SEED_FILES = ['meta-data', 'user-data', 'vendor-data', 'network-config'];

async function httpGet(url) {
  const res = await fetch(url);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

/**
 * Copies what Rackpilot serves a node armed with the live profile into nginx's root: the boot
 * script (`/boot.ipxe?mac=`) and the seed files under the seed URL its kernel command line names,
 * with Rackpilot's base URL replaced by nginx's. Assets are symlinks to the files Rackpilot
 * itself serves (its asset cache), so both read the same bytes from the same page cache.
 */
export async function mirrorNode({ rackpilotBase, nginxBase, mac, www, assetsDir }) {
  const rewrite = (buf) => buf.toString('utf8').split(rackpilotBase).join(nginxBase);
  const script = await httpGet(`${rackpilotBase}/boot.ipxe?mac=${mac}`);
  if (script.status !== 200) throw new Error(`Rackpilot's boot.ipxe for ${mac}: HTTP ${script.status}`);
  const text = script.body.toString('utf8');
  const seed = /ds=nocloud-net;s=(\S+\/)/.exec(text)?.[1];
  if (!seed?.startsWith(rackpilotBase) || !/^kernel /m.test(text)) throw new Error(`unexpected boot script for ${mac}:\n${text}`);
  mkdirSync(www, { recursive: true });
  writeFileSync(join(www, 'boot.ipxe'), rewrite(script.body));
  const seedDir = join(www, seed.slice(rackpilotBase.length));
  mkdirSync(seedDir, { recursive: true });
  for (const f of SEED_FILES) {
    const r = await httpGet(`${seed}${f}`);
    if (r.status === 200) writeFileSync(join(seedDir, f), rewrite(r.body));
    else if (f !== 'network-config') throw new Error(`Rackpilot's seed ${f}: HTTP ${r.status}`);
  }
  for (const m of text.matchAll(/^(?:kernel|initrd)(?: --name \S+)? (\S+)/gm)) linkAsset(m[1], rackpilotBase, www, assetsDir);
  const squashfs = /fetch=(\S+)/.exec(text)?.[1];
  if (squashfs) linkAsset(squashfs, rackpilotBase, www, assetsDir);
  return { script: rewrite(script.body), seedPath: seed.slice(rackpilotBase.length) };
}

function linkAsset(url, base, www, assetsDir) {
  if (!url.startsWith(`${base}/assets/`)) throw new Error(`asset URL ${url} is not under ${base}/assets/`);
  const rel = url.slice(base.length + '/assets/'.length);
  const source = join(assetsDir, rel);
  if (!existsSync(source)) throw new Error(`asset ${rel} not found at ${source} (Rackpilot's asset cache layout changed?)`);
  const target = join(www, 'assets', rel);
  if (existsSync(target)) return;
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(source, target);
}

/** nginx in the foreground with its own prefix, pid, logs and temp paths in `dir`; one worker (one client). */
export async function startNginx({ dir, www, port }) {
  const conf = join(dir, 'nginx.conf');
  const access = join(dir, 'nginx-access.log');
  writeFileSync(
    conf,
    `worker_processes 1;
user root;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 256; }
http {
  default_type application/octet-stream;
  log_format bench '$msec $request_time $status $body_bytes_sent "$request"';
  access_log ${access} bench;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 30;
  client_body_temp_path ${dir}/nginx-body;
  proxy_temp_path ${dir}/nginx-proxy;
  fastcgi_temp_path ${dir}/nginx-fastcgi;
  uwsgi_temp_path ${dir}/nginx-uwsgi;
  scgi_temp_path ${dir}/nginx-scgi;
  server {
    listen ${SUBNET.server}:${port};
    root ${www};
    location = /boot.ipxe { default_type text/plain; }
    location /nocloud/ { default_type text/plain; }
    # cloud-init's phone_home: nginx answers it itself; the access log line is the finish line.
    location /phone-home/ { return 200 "ok\\n"; }
  }
}
`,
  );
  const child = spawn(NGINX, ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = new Promise((r) => child.once('exit', r));
  for (const started = Date.now(); ; ) {
    const r = await fetch(`http://${SUBNET.server}:${port}/`).then((x) => x.status, () => 0);
    if (r) break;
    if (child.exitCode !== null) throw new Error(`nginx exited: ${out}${readIf(join(dir, 'nginx-error.log'))}`);
    if (Date.now() - started > 10_000) throw new Error(`nginx did not answer on port ${port} within 10 s: ${out}`);
    await new Promise((r2) => setTimeout(r2, 50));
  }
  return {
    base: `http://${SUBNET.server}:${port}`,
    /** Access log lines from `since` (epoch ms) on: { at (ms, request end), seconds, status, method, path }. */
    requests(since = 0) {
      return readIf(access)
        .split('\n')
        .map((l) => /^(\d+\.\d+) (\d+\.\d+) (\d+) (\d+) "(\S+) (\S+)/.exec(l))
        .filter(Boolean)
        .map(([, msec, rt, status, bytes, method, path]) => ({ at: Number(msec) * 1000, seconds: Number(rt), status: Number(status), bytes: Number(bytes), method, path }))
        .filter((r) => r.at >= since);
    },
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null) {
        child.kill('SIGTERM'); // fast shutdown: the master ends its worker
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

function readIf(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * dnsmasq as a lab's DHCP + TFTP server on br0, configured like Rackpilot's full DHCP: the same
 * pool and lease time, no router and no DNS option (Rackpilot sends neither with an empty
 * router/DNS list), undionly.kpxe over TFTP for PXE ROMs and the HTTP script for iPXE (user class
 * "iPXE"). `--no-ping`: Rackpilot does not ping an address before offering it, and dnsmasq's
 * default ping check can hold the first OFFER for up to 3 s.
 */
export async function startDnsmasq({ dir, scriptUrl }) {
  const leases = join(dir, 'dnsmasq.leases');
  writeFileSync(leases, '');
  const args = [
    '--no-daemon', '--conf-file=/dev/null', '--user=root', '--group=root',
    '--port=0',
    `--interface=${BRIDGE}`, '--bind-interfaces', '--except-interface=lo',
    `--dhcp-range=${SUBNET.poolStart},${SUBNET.poolEnd},${SUBNET.mask},1h`,
    `--dhcp-leasefile=${leases}`,
    '--no-ping',
    '--dhcp-option=3', '--dhcp-option=6',
    '--enable-tftp', `--tftp-root=${IPXE_DIR}`,
    '--dhcp-userclass=set:ipxe,iPXE',
    '--dhcp-boot=tag:!ipxe,undionly.kpxe',
    `--dhcp-boot=tag:ipxe,${scriptUrl}`,
    '--log-dhcp', '--log-facility=-',
    `--pid-file=${join(dir, 'dnsmasq.pid')}`,
  ];
  const child = spawn(DNSMASQ, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let partial = '';
  const onData = (d) => {
    const now = Date.now();
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) lines.push({ at: now, text });
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = new Promise((r) => child.once('exit', r));
  for (const started = Date.now(); !lines.some((l) => /DHCP, IP range/.test(l.text)); ) {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited (${child.exitCode}): ${lines.map((l) => l.text).join('\n')}${partial}`);
    if (Date.now() - started > 10_000) throw new Error(`dnsmasq did not start within 10 s: ${lines.map((l) => l.text).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    /** Times (epoch ms, when we read the line) of dnsmasq's DHCPACKs to `mac`. */
    acks: (mac) => lines.filter((l) => /DHCPACK\(/.test(l.text) && l.text.toLowerCase().includes(mac.toLowerCase())).map((l) => l.at),
    log: () => lines.map((l) => l.text).join('\n'),
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      appendFileSync(join(dir, 'dnsmasq.log'), `${lines.map((l) => `${new Date(l.at).toISOString()} ${l.text}`).join('\n')}\n`);
    },
  };
}

/** Whether the peer's programs are installed, as [program, Debian package] pairs of the missing ones. */
export function missingPeerTools() {
  return [
    [DNSMASQ, 'dnsmasq-base'],
    [NGINX, 'nginx-light'],
    [join(IPXE_DIR, 'undionly.kpxe'), 'ipxe'],
  ].filter(([path]) => !existsSync(path));
}
