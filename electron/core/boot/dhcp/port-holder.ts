/**
 * Names the process holding a UDP port, for the EADDRINUSE message ("port 67 is held by dnsmasq
 * (pid 812)"). Linux /proc only; anywhere else, or without permission to look, it returns null.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export function whoHoldsUdpPort(port: number): string | null {
  try {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
      let text = '';
      try {
        text = readFileSync(table, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        const local = cols[1];
        if (local && parseInt(local.split(':')[1] ?? '', 16) === port && cols[9]) inodes.add(cols[9]);
      }
    }
    if (inodes.size === 0) return null;
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        let target = '';
        try {
          target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          continue;
        }
        const m = /^socket:\[(\d+)\]$/.exec(target);
        if (m && inodes.has(m[1] as string)) {
          const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
          return `${comm} (pid ${pid})`;
        }
      }
    }
    return null;
  } catch {
    return null;
  }
}
