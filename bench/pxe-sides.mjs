/**
 * The two sides of the PXE benchmark, run inside the lab namespace: Rackpilot's boot services
 * (the built headless server: full DHCP + TFTP + HTTP on br0) and the dnsmasq + nginx peer. Each
 * `boot(i)` powers on one fresh virtual node and resolves with its power-on → phone-home time and
 * milestones (seconds after power-on), or with the reason it did not get there.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectRpc, startServer, wsUrl } from './lib.mjs';
import { SUBNET, bootVm } from './pxe-lab.mjs';
import { mirrorNode, startDnsmasq, startNginx } from './pxe-peer.mjs';

const RACKPILOT_HTTP_PORT = 8080;
const NGINX_PORT = 8081;
const FETCH_IDLE_MS = 5000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hex = (v) => v.toString(16).padStart(2, '0');
/** Locally administered, one per side and run: 52:54:00:79:<side>:<run>. */
const macFor = (side, i) => `52:54:00:79:${hex(side)}:${hex(i)}`;
const secondsAfter = (at, t0) => (typeof at === 'number' && Number.isFinite(at) ? (at - t0) / 1000 : undefined);

/** Waits for `check()` to return a value (polled), the VM to exit, or the deadline. */
async function until(check, vm, timeoutMs, what) {
  const deadline = vm.poweredOnAt + timeoutMs;
  let exited = null;
  vm.exited.then((e) => (exited = e));
  for (;;) {
    const v = await check();
    if (v) return v;
    if (exited) throw new Error(`QEMU exited (${exited.code ?? exited.signal}) before ${what}: ${vm.stderr().trim()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

function consoleMilestones(vm) {
  return Object.fromEntries(Object.entries(vm.milestones()).map(([k, ms]) => [k, ms / 1000]));
}

export async function startSides({ dir, dataDir, vmSpec, timeoutMs, log }) {
  // ---------------------------------------------------------------- Rackpilot
  const server = startServer({ timeoutMs: 30_000, dataDir });
  const ready = await server.ready;
  const installed = new Map(); // node id → resolve({ at, state })
  const rpc = await connectRpc(wsUrl(ready), {
    onEvent: (ch, d) => {
      if (ch !== 'nodes.changed' || d?.op !== 'upsert') return;
      const done = installed.get(d.node.id);
      if (done && (d.node.state === 'installed' || d.node.state === 'failed')) done({ at: Date.now(), state: d.node.state });
    },
  });
  const assetsDir = join(server.dataDir, 'assets');

  log('importing the lab image into Rackpilot (vlab.useLabImage)…');
  await rpc.call('vlab.useLabImage', {});
  for (const deadline = Date.now() + 300_000; ; ) {
    const st = await rpc.call('vlab.labImage', {});
    if (st.state === 'ready') break;
    if (st.state !== 'importing' || Date.now() > deadline) throw new Error(`lab image not imported (${st.state}): ${st.message}`);
    await sleep(500);
  }
  await rpc.call('boot.configure', {
    mode: 'dhcp',
    serverAddress: SUBNET.server,
    interfaceName: 'br0',
    ports: { dhcp: 67, proxy: 4011, tftp: 69, http: RACKPILOT_HTTP_PORT },
    dhcpPool: { start: SUBNET.poolStart, end: SUBNET.poolEnd, subnetMask: SUBNET.mask, router: '', dns: [], leaseSeconds: 3600 },
    forceDhcp: false,
    autoEnrol: false,
  });
  let running = false;
  const rackpilotUp = async () => {
    if (running) return;
    const st = await rpc.call('boot.start', {}, { timeoutMs: 60_000 });
    const down = st.services.filter((s) => ['dhcp', 'tftp', 'http'].includes(s.name) && s.state !== 'listening');
    if (down.length) throw new Error(`Rackpilot's boot services are not listening: ${down.map((s) => `${s.name}: ${s.error?.message ?? s.state}`).join('; ')}`);
    running = true;
  };
  const rackpilotDown = async () => {
    if (!running) return;
    await rpc.call('boot.stop', {});
    running = false;
  };
  const armNode = async (name, mac) => {
    const node = await rpc.call('nodes.create', { name, mac });
    await rpc.call('nodes.install', { id: node.id, profileId: 'live-image', confirmName: name });
    return node;
  };

  /** A node's timeline (oldest first), for the server-side milestones. */
  const timeline = async (nodeId) => (await rpc.call('events.list', { subjectId: nodeId, limit: 500 })).slice().reverse();

  const rackpilot = {
    label: 'Rackpilot',
    async boot(i) {
      await rackpilotUp();
      const mac = macFor(1, i);
      const node = await armNode(`rpbench-rp-${i}`, mac);
      const done = new Promise((resolve) => installed.set(node.id, resolve));
      let finished = null;
      done.then((d) => (finished = d));
      const vm = bootVm({ dir, label: `rackpilot-${i}`, mac, tap: `rpbtap-r${i}`, ...vmSpec });
      try {
        const end = await until(() => finished, vm, timeoutMs, 'phone-home (node state installed)');
        if (end.state !== 'installed') throw new Error(`node went to ${end.state}`);
        const events = await timeline(node.id);
        writeFileSync(join(dir, `rackpilot-${i}.timeline.txt`), events.map((e) => `${e.ts} ${e.kind} ${e.summary}`).join('\n'));
        const first = (re) => events.find((e) => re.test(e.summary));
        const ts = (e) => (e ? Date.parse(e.ts) : undefined);
        const squashEnd = first(/^fetched .*filesystem\.squashfs/);
        return {
          ok: true,
          total: (end.at - vm.poweredOnAt) / 1000,
          milestones: {
            ...consoleMilestones(vm),
            lease: secondsAfter(ts(first(/^Leased /)), vm.poweredOnAt),
            squashfsStart: secondsAfter(ts(first(/^started fetching .*filesystem\.squashfs/)), vm.poweredOnAt),
            // The boot server's fetch tracker closes a fetch after 5 s without requests (its
            // default idle time), so the end event is written 5 s after the last byte went out.
            squashfsServed: secondsAfter(squashEnd ? ts(squashEnd) - FETCH_IDLE_MS : undefined, vm.poweredOnAt),
            seed: secondsAfter(ts(first(/^served user-data/)), vm.poweredOnAt),
          },
        };
      } catch (err) {
        const events = await timeline(node.id).catch(() => []);
        const tail = events.slice(-12).map((e) => `  ${e.ts} ${e.kind} ${e.summary}`).join('\n');
        return { ok: false, error: `${err.message}\ntimeline:\n${tail}\nconsole tail:\n${vm.consoleTail(1500)}` };
      } finally {
        installed.delete(node.id);
        await vm.stop();
      }
    },
  };

  // ---------------------------------------------------------------- dnsmasq + nginx
  const www = join(dir, 'www');
  const nginx = await startNginx({ dir, www, port: NGINX_PORT });
  const peer = {
    label: 'dnsmasq + nginx',
    async boot(i) {
      // Rackpilot renders this run's files for a node armed like the Rackpilot runs' (its own
      // MAC: network-config matches the NIC by MAC), then leaves br0 to dnsmasq.
      await rackpilotUp();
      const mac = macFor(2, i);
      await armNode(`rpbench-peer-${i}`, mac);
      await mirrorNode({ rackpilotBase: `http://${SUBNET.server}:${RACKPILOT_HTTP_PORT}`, nginxBase: nginx.base, mac, www, assetsDir });
      await rackpilotDown();
      const dnsmasq = await startDnsmasq({ dir, scriptUrl: `${nginx.base}/boot.ipxe` });
      const vm = bootVm({ dir, label: `peer-${i}`, mac, tap: `rpbtap-p${i}`, ...vmSpec });
      try {
        const post = await until(() => nginx.requests(vm.poweredOnAt).find((r) => r.method === 'POST' && r.path.startsWith('/phone-home/')), vm, timeoutMs, 'phone-home POST in nginx\'s access log');
        if (post.status !== 200) throw new Error(`phone-home answered ${post.status}`);
        const reqs = nginx.requests(vm.poweredOnAt);
        const squash = reqs.find((r) => r.path.endsWith('/filesystem.squashfs') && r.status < 300);
        return {
          ok: true,
          total: (post.at - vm.poweredOnAt) / 1000,
          milestones: {
            ...consoleMilestones(vm),
            lease: secondsAfter(dnsmasq.acks(mac)[0], vm.poweredOnAt),
            squashfsStart: squash ? secondsAfter(squash.at - squash.seconds * 1000, vm.poweredOnAt) : undefined,
            squashfsServed: squash ? secondsAfter(squash.at, vm.poweredOnAt) : undefined,
            seed: secondsAfter(reqs.find((r) => r.path.endsWith('/user-data'))?.at, vm.poweredOnAt),
          },
        };
      } catch (err) {
        const reqs = nginx.requests(vm.poweredOnAt).map((r) => `  ${r.method} ${r.path.replace(/[A-Za-z0-9_-]{16,}/g, '…')} ${r.status}`);
        return { ok: false, error: `${err.message}\nnginx:\n${reqs.slice(-10).join('\n')}\ndnsmasq:\n${dnsmasq.log().split('\n').slice(-10).join('\n')}\nconsole tail:\n${vm.consoleTail(1500)}` };
      } finally {
        await vm.stop();
        await dnsmasq.stop();
      }
    },
  };

  return {
    sides: [rackpilot, peer],
    async close() {
      await rackpilotDown().catch(() => undefined);
      rpc.close();
      await server.stop();
      writeFileSync(join(dir, 'rackpilot-server.log'), server.output());
      await nginx.stop();
    },
  };
}
