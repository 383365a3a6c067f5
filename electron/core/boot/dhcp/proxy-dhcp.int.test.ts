/**
 * proxyDHCP over real UDP in network namespaces. The "laptop" namespace has two interfaces: lab0
 * (the lab switch) and home0 (the home Wi-Fi). Rackpilot is told to serve lab0 only.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageType } from './options';
import { bundleEntries, CHILD_ENV } from './testing/bundle';
import { exited, ip, isRoot, jsonLines, NetLab } from './testing/netns';
import type { RequestSpec } from './testing/packets';

const root = isRoot();
// CI runs as root: there a skip would hide a broken setup.
if (!root && process.env.CI) throw new Error('proxy-dhcp.int.test cannot run under CI: it needs root for network namespaces');
if (!root) console.warn('proxy-dhcp.int.test: skipped — needs root to create network namespaces');

interface Reply {
  reply?: { from: string; file: string; siaddr: string; ciaddr: string; options: Record<string, string>; error?: string };
  done?: boolean;
}

describe.skipIf(!root)('proxyDHCP in namespaces', () => {
  const lab = new NetLab('px');
  let bundle: Awaited<ReturnType<typeof bundleEntries>>;
  let laptop: string, labClient: string, homeClient: string;
  const servers: ChildProcess[] = [];

  beforeAll(async () => {
    bundle = await bundleEntries(['server-entry', 'client-entry']);
    laptop = lab.ns('laptop');
    labClient = lab.ns('labc');
    homeClient = lab.ns('homec');
    lab.link(laptop, 'lab0', '10.77.1.1/24', labClient, 'eth0', '10.77.1.50/24');
    lab.link(laptop, 'home0', '10.77.2.1/24', homeClient, 'eth0', '10.77.2.50/24');
    // Clients need a route for 255.255.255.255; the laptop gets none, so nothing but the device
    // binding can steer its broadcasts.
    for (const ns of [labClient, homeClient]) ip('-n', ns, 'route', 'add', 'default', 'dev', 'eth0');
  });
  afterAll(async () => {
    for (const s of servers) s.kill('SIGTERM');
    await Promise.all(servers.map((s) => exited(s, 2000)));
    lab.destroy();
    bundle?.remove();
  });

  async function startServer(config: Record<string, unknown>) {
    const child = lab.exec(laptop, [process.execPath, bundle.path('server-entry'), JSON.stringify(config)], CHILD_ENV);
    servers.push(child);
    const out = jsonLines(child);
    const first = (await out.waitFor((l) => 'ready' in (l as object) || 'error' in (l as object), 10_000)) as { error?: unknown };
    if (first.error) throw new Error(JSON.stringify(first.error));
    return { child, out };
  }

  async function stop(child: ChildProcess) {
    child.kill('SIGTERM');
    await exited(child, 3000);
  }

  async function ask(ns: string, spec: RequestSpec, opts: { to?: string; toPort?: number; listenPort?: number; waitMs?: number; garbageFirst?: boolean } = {}) {
    const args = { spec, to: opts.to ?? '255.255.255.255', toPort: opts.toPort ?? 67, listenPort: opts.listenPort ?? 68, waitMs: opts.waitMs ?? 1200, garbageFirst: opts.garbageFirst };
    const child = lab.exec(ns, [process.execPath, bundle.path('client-entry'), JSON.stringify(args)]);
    const out = jsonLines(child);
    await out.waitFor((l) => (l as Reply).done === true, 10_000);
    return (out.lines as Reply[]).flatMap((l) => (l.reply ? [l.reply] : []));
  }

  it('answers a BIOS PXE client on the lab interface, by broadcast, with the §5 fields', async () => {
    const { child, out } = await startServer({ device: 'lab0', serverAddress: '10.77.1.1' });
    try {
      const replies = await ask(labClient, { arch: 0, mac: '52:54:00:00:00:01' }, { garbageFirst: true });
      expect(replies).toHaveLength(1);
      const r = replies[0]!;
      expect(r.from).toBe('10.77.1.1:67');
      expect(r).toMatchObject({ file: 'undionly.kpxe', siaddr: '10.77.1.1' });
      expect(r.options['60']).toBe(Buffer.from('PXEClient').toString('hex'));
      expect(r.options['43']).toBe('060108ff');
      expect(r.options['97']).toBeDefined();
      const ev = (await out.waitFor((l) => 'event' in (l as object), 2000)) as { event: { kind: string; to: string } };
      expect(ev.event).toMatchObject({ kind: 'boot-offer', to: '255.255.255.255:68' });
      // The garbage packet sent first was dropped and logged, and did not stop the answer.
      expect(out.lines.some((l) => (l as { m?: string }).m === 'proxyDHCP: dropped malformed packet')).toBe(true);
    } finally {
      await stop(child);
    }
  });

  it('two interfaces: a client on the home side gets nothing, and the lab answer does not leak there', async () => {
    const { child, out } = await startServer({ device: 'lab0', serverAddress: '10.77.1.1' });
    try {
      const [home, labSide, eavesdrop] = await Promise.all([
        ask(homeClient, { arch: 7, mac: '52:54:00:00:00:02' }),
        ask(labClient, { arch: 7, mac: '52:54:00:00:00:03' }, { waitMs: 1500 }),
        // Listens on the home side for the lab client's broadcast OFFER; sends only garbage to a dead port.
        ask(homeClient, { arch: 7 }, { to: '10.77.2.50', toPort: 9, waitMs: 2000 }),
      ]);
      expect(home).toEqual([]);
      expect(out.lines).not.toContainEqual({ heard: '52:54:00:00:00:02' });
      expect(labSide.map((r) => r.file)).toEqual(['ipxe.efi']);
      expect(eavesdrop).toEqual([]);
    } finally {
      await stop(child);
    }
  });

  it('control: without binding to lab0 the server does hear the home client (so the test above means something)', async () => {
    const { child, out } = await startServer({ device: null, serverAddress: '10.77.1.1' });
    try {
      await ask(homeClient, { arch: 7, mac: '52:54:00:00:00:04' });
      expect(out.lines).toContainEqual({ heard: '52:54:00:00:00:04' });
    } finally {
      await stop(child);
    }
  });

  it('ACKs a REQUEST on 4011 by unicast, answers relays at giaddr:67, ignores non-PXE and netboot-off clients', async () => {
    const { child } = await startServer({ device: 'lab0', serverAddress: '10.77.1.1', ignoreMacs: ['52:54:00:00:00:99'] });
    try {
      const acks = await ask(labClient, { arch: 7, type: MessageType.Request, ciaddr: '10.77.1.50' }, { to: '10.77.1.1', toPort: 4011, listenPort: 68 });
      expect(acks).toHaveLength(1);
      expect(acks[0]).toMatchObject({ from: '10.77.1.1:4011', file: 'ipxe.efi', ciaddr: '10.77.1.50' });
      expect(acks[0]!.options['53']).toBe('05');

      const relayed = await ask(labClient, { arch: 0, giaddr: '10.77.1.50' }, { to: '10.77.1.1', toPort: 67, listenPort: 67 });
      expect(relayed.map((r) => r.from)).toEqual(['10.77.1.1:67']);

      expect(await ask(labClient, { vendorClass: 'MSFT 5.0', arch: null })).toEqual([]);
      expect(await ask(labClient, { arch: 0, mac: '52:54:00:00:00:99' })).toEqual([]);
      const ipxe = await ask(labClient, { arch: 0, userClass: 'iPXE', mac: '52:54:00:00:00:05' });
      expect(ipxe[0]?.file).toBe('http://10.77.1.1:8080/boot.ipxe?mac=52:54:00:00:00:05');
    } finally {
      await stop(child);
    }
  });

  it('explains a port that is already taken', async () => {
    const first = await startServer({ device: 'lab0', serverAddress: '10.77.1.1' });
    try {
      await expect(startServer({ device: 'lab0', serverAddress: '10.77.1.1' })).rejects.toThrow(/E_PORT_IN_USE.*UDP port 67 .* in use by node \(pid \d+\)/);
    } finally {
      await stop(first.child);
    }
  });
});
