/**
 * How virtual nodes are cabled, and why. Rootless (QEMU user networking) works for everyone: its
 * DHCP hands iPXE the boot URL on 10.0.2.2 — this machine's loopback — and SSH comes through a
 * forwarded port. Bridged (taps on a bridge in a namespace Rackpilot owns, Rackpilot as the
 * network's DHCP server) needs root or the capabilities lab-privileges.ts names; it is used only
 * for nodes created with `network: 'bridged'` (bridged-network.ts), never chosen for the user.
 */
import { createServer } from 'node:net';
import { randomInt } from 'node:crypto';
import type { VlabNetworkMode, VlabStatus } from '../../../shared/domain/vlab';
import type { SettingsRepo } from '../store/settings-repo';

/** The default for new nodes, and why; `bridgedUnavailable` is BridgedNetwork.unavailable(). */
export function chooseNetwork(bridgedUnavailable: string | null): { mode: VlabNetworkMode; reason: string } {
  if (bridgedUnavailable !== null) return { mode: 'rootless', reason: `${bridgedUnavailable}: using rootless` };
  return { mode: 'rootless', reason: 'bridged is available here, per node (create with network "bridged"): using rootless by default' };
}

/** Where the boot HTTP server is configured and whether it runs. */
export interface BootEndpoint {
  port: number;
  listening: boolean;
  /** The address it binds to ('' when not configured). */
  address: string;
}

/** QEMU's user network maps 10.0.2.2 to this machine's 127.0.0.1. */
export const ROOTLESS_HOST = '10.0.2.2';

export function rootlessBootUrl(port: number): string {
  return `http://${ROOTLESS_HOST}:${port}/boot.ipxe`;
}

export function bootReachability(boot: BootEndpoint): Omit<VlabStatus['network'], 'mode' | 'reason'> {
  const bootUrl = rootlessBootUrl(boot.port);
  if (!boot.listening) {
    return {
      bootUrl,
      bootReachable: false,
      bootMessage: 'The boot services are not running: virtual nodes find no boot script and try their disks. Start them on the Boot page with the address 127.0.0.1.',
    };
  }
  if (boot.address !== '127.0.0.1' && boot.address !== '0.0.0.0') {
    return {
      bootUrl,
      bootReachable: false,
      bootMessage: `The boot HTTP server listens on ${boot.address} only; rootless virtual nodes reach this machine at 127.0.0.1. Set the boot address to 127.0.0.1 to boot them.`,
    };
  }
  return { bootUrl, bootReachable: true, bootMessage: null };
}

const SETTINGS_KEY = 'vlab';

/**
 * The multicast group of the nodes' shared network, one per data dir and kept, so nodes started
 * at different times meet, and two Rackpilots on one machine do not share a wire.
 */
export function peerGroup(settings: SettingsRepo): string {
  const doc = settings.getDocument(SETTINGS_KEY);
  const saved = typeof doc === 'object' && doc !== null ? (doc as { peerGroup?: unknown }).peerGroup : undefined;
  if (typeof saved === 'string' && /^239\.255\.\d{1,3}\.\d{1,3}:\d{4,5}$/.test(saved)) return saved;
  const group = `239.255.${randomInt(1, 255)}.${randomInt(1, 255)}:${randomInt(20000, 60000)}`;
  settings.setDocument(SETTINGS_KEY, { ...(typeof doc === 'object' && doc !== null ? doc : {}), peerGroup: group });
  return group;
}

/** Whether a TCP port on 127.0.0.1 can be bound right now. */
export function loopbackPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1 that is free now (the kernel picks it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
