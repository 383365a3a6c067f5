/**
 * Whether this process may build the bridged lab. "Root" is not the real question — a root
 * process in a container often lacks CAP_SYS_ADMIN — so we read the capability sets themselves:
 * `ip netns add` mounts (SYS_ADMIN) and makes links (NET_ADMIN); the boot services bind ports 67
 * and 69 (NET_BIND_SERVICE) to one device (SO_BINDTODEVICE: NET_RAW before Linux 5.7). A non-root
 * process also needs them *ambient*, or `ip` and QEMU, which it spawns, would run without them.
 */
import { readFileSync } from 'node:fs';

const NEEDED = [
  { bit: 12, name: 'CAP_NET_ADMIN' },
  { bit: 21, name: 'CAP_SYS_ADMIN' },
  { bit: 10, name: 'CAP_NET_BIND_SERVICE' },
  { bit: 13, name: 'CAP_NET_RAW' },
] as const;

export interface LabPrivileges {
  ok: boolean;
  /** Why not (or how), in words a user can act on. */
  reason: string;
}

function capSet(status: string, field: string): bigint {
  const hex = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, 'm').exec(status)?.[1];
  return hex === undefined ? 0n : BigInt(`0x${hex}`);
}

/** Pure: from /proc/self/status text, the uid and the platform. */
export function labPrivilegesFrom(status: string, uid: number | undefined, platform: NodeJS.Platform): LabPrivileges {
  if (platform !== 'linux') return { ok: false, reason: 'bridged networking uses Linux network namespaces; this is not Linux' };
  const eff = capSet(status, 'CapEff');
  const amb = capSet(status, 'CapAmb');
  const root = uid === 0;
  const missing = NEEDED.filter((c) => (eff & (1n << BigInt(c.bit))) === 0n || (!root && (amb & (1n << BigInt(c.bit))) === 0n)).map((c) => c.name);
  if (missing.length === 0) return { ok: true, reason: root ? 'running as root' : 'running with the needed capabilities (ambient)' };
  const who = root ? 'this process runs as root but without' : `this process runs as uid ${uid ?? '?'} without`;
  return {
    ok: false,
    reason: `bridged needs root (or ${NEEDED.map((c) => c.name).join(', ')} as effective and ambient capabilities): ${who} ${missing.join(', ')}`,
  };
}

export function labPrivileges(): LabPrivileges {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // unreadable: no capabilities known
  }
  return labPrivilegesFrom(status, process.getuid?.(), process.platform);
}
