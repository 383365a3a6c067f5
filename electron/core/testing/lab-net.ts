/**
 * Test helper (root only): an isolated lab network the way a user's rack is wired — a network
 * namespace with a bridge (the "switch") where virtual nodes plug in through tap devices, and a
 * veth pair whose host end plays this machine's lab NIC. Rackpilot runs on the host side, bound
 * to that NIC, exactly as it would to a USB Ethernet adapter cabled to a real switch.
 * Only the project's own namespace and addresses are touched; destroy() removes all of it.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export interface LabNet {
  ns: string;
  /** The host's lab NIC (host end of the veth). */
  hostIf: string;
  /** The host's address on the lab network, e.g. 172.31.213.1 */
  hostAddress: string;
  /** First three octets of the lab /24, e.g. "172.31.213" */
  subnet: string;
  /** Adds a tap device plugged into the lab bridge, for one QEMU NIC; returns its name. */
  addTap(): string;
  destroy(): void;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

/** A /24 in 172.31.200–254 that no route on this machine uses yet. */
function freeSubnet(): string {
  const routes = execFileSync('ip', ['-4', 'route', 'show', 'table', 'all']).toString();
  for (let third = 200 + (process.pid % 50); third < 255; third++) {
    const subnet = `172.31.${third}`;
    if (!routes.includes(`${subnet}.`)) return subnet;
  }
  throw new Error('no free 172.31.200-254.0/24 subnet for the test lab network');
}

export function createLabNet(tag: string): LabNet {
  if (!isRoot()) throw new Error('the lab network needs root (network namespaces, veth, tap)');
  // Interface names are at most 15 characters.
  const id = `${tag.slice(0, 4)}${process.pid.toString(36).slice(-4)}`;
  const ns = `rp-${id}`;
  const hostIf = `rph${id}`;
  const nsIf = `rpn${id}`;
  const subnet = freeSubnet();
  const hostAddress = `${subnet}.1`;
  let taps = 0;
  const destroy = () => {
    spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', hostIf], { stdio: 'ignore' });
  };
  destroy(); // leftovers of a killed earlier run with the same pid
  try {
    ip('netns', 'add', ns);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', ns);
    ip('addr', 'add', `${hostAddress}/24`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', ns, 'link', 'set', nsIf, 'master', 'br0');
    ip('-n', ns, 'link', 'set', nsIf, 'up');
    ip('-n', ns, 'link', 'set', 'br0', 'up');
  } catch (err) {
    destroy();
    throw err;
  }
  return {
    ns,
    hostIf,
    hostAddress,
    subnet,
    addTap() {
      const tap = `tap${taps++}`;
      ip('-n', ns, 'tuntap', 'add', 'dev', tap, 'mode', 'tap');
      ip('-n', ns, 'link', 'set', tap, 'master', 'br0');
      ip('-n', ns, 'link', 'set', tap, 'up');
      return tap;
    },
    destroy,
  };
}
