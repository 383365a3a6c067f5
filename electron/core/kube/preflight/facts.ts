/**
 * What the gather script reports about one node, parsed from its `key=value` lines. Pure: the
 * checks are functions of these facts, so each finding can be unit-tested from a few lines.
 */
import { GATHER_MARKER } from './gather-script';

export interface NetInterface {
  name: string;
  /** ARPHRD type from /sys/class/net/<if>/type: 1 is Ethernet, 772 loopback. */
  type: number;
  mac: string;
  /** Backed by a device (a NIC), not a bridge, veth, tunnel… */
  physical: boolean;
  addresses: string[];
}

export interface ListeningSocket {
  /** e.g. 0.0.0.0, [::], 127.0.0.1, *; empty when only the port is known (/proc/net/tcp). */
  address: string;
  port: number;
  /** ss -p's users:(("name",pid=…)) as "name (pid 123)"; null when not shown (no root, other pid namespace). */
  process: string | null;
}

export interface NodeFacts {
  uid: number | null;
  os: { id: string; idLike: string[]; versionId: string; prettyName: string } | null;
  /** uname -m: x86_64, aarch64, … */
  machine: string | null;
  cpus: number | null;
  memTotalKiB: number | null;
  hostname: string | null;
  interfaces: NetInterface[];
  productUuid: string | null;
  /** Why product_uuid could not be read (needs root; absent on some boards). */
  productUuidError: string | null;
  swaps: { name: string; type: string; sizeKiB: number }[];
  /** Swap areas /etc/fstab turns on at boot. */
  fstabSwap: string[];
  /** timedatectl's NTPSynchronized; null when timedatectl did not answer (no systemd). */
  ntpSynchronized: boolean | null;
  /** chronyc tracking's "Leap status" (Normal when synchronised). */
  chronyLeap: string | null;
  /** Time-sync daemons running (chronyd, ntpd, systemd-timesyn…). */
  timeDaemons: string[];
  /** TCP sockets in LISTEN state; null when neither ss nor /proc/net/tcp could be read. */
  listening: ListeningSocket[] | null;
  /** Tool name → path, for the tools the script looked for. */
  tools: Record<string, string>;
  firewall: { ufwActive: boolean; firewalldRunning: boolean; inputRules: string[] };
}

const unquote = (v: string): string => v.trim().replace(/^(["'])(.*)\1$/, '$2');

const int = (v: string | undefined): number | null => (v !== undefined && /^\d+$/.test(v.trim()) ? Number(v.trim()) : null);

/** "LISTEN 0 4096 0.0.0.0:6443 0.0.0.0:* users:(("kube-apiserver",pid=812,fd=3))" */
export function parseSsListenLine(line: string): ListeningSocket | null {
  const cols = line.trim().split(/\s+/);
  // With -l ss still prints the State column first; be lenient about its absence.
  const local = cols[0] === 'LISTEN' || cols[0] === 'UNCONN' ? cols[3] : cols[2];
  const match = local ? /^(.*):(\d+)$/.exec(local) : null;
  if (!match) return null;
  const users = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
  return { address: match[1] ?? '', port: Number(match[2]), process: users ? `${users[1]} (pid ${users[2]})` : null };
}

/** Null when the output is not the gather script's (it did not run at all). */
export function parseFacts(output: string): NodeFacts | null {
  const lines = output.split(/\r?\n/);
  if (!lines.some((l) => l.trim() === GATHER_MARKER)) return null;
  const values = new Map<string, string[]>();
  for (const line of lines) {
    const match = /^([A-Za-z0-9_.-]+)=(.*)$/.exec(line);
    if (!match) continue;
    const [, key = '', value = ''] = match;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  const one = (key: string): string | undefined => values.get(key)?.[0];
  const all = (key: string): string[] => values.get(key) ?? [];

  const osId = one('os.ID');
  const addresses = new Map<string, string[]>();
  for (const entry of all('ifaddr')) {
    const [name = '', address = ''] = entry.trim().split(/\s+/);
    if (name && address) addresses.set(name, [...(addresses.get(name) ?? []), address]);
  }
  const interfaces: NetInterface[] = [];
  for (const entry of all('iface')) {
    const [name = '', type = '', mac = '', physical = ''] = entry.trim().split(/\s+/);
    if (!name || !mac) continue;
    interfaces.push({ name, type: Number(type) || 0, mac: mac.toLowerCase(), physical: physical === '1', addresses: addresses.get(name) ?? [] });
  }

  const listening: ListeningSocket[] | null = values.has('ports_source')
    ? [
        ...all('listen').map(parseSsListenLine).filter((s): s is ListeningSocket => s !== null),
        ...all('listen_hex').filter((h) => /^[0-9A-Fa-f]+$/.test(h.trim())).map((h) => ({ address: '', port: parseInt(h.trim(), 16), process: null })),
      ]
    : null;

  const ntp = one('ntp_synchronized')?.trim();
  const tools: Record<string, string> = {};
  for (const [key, v] of values) if (key.startsWith('tool.') && v[0]) tools[key.slice(5)] = v[0].trim();

  return {
    uid: int(one('uid')),
    os: osId === undefined
      ? null
      : {
          id: unquote(osId).toLowerCase(),
          idLike: unquote(one('os.ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean),
          versionId: unquote(one('os.VERSION_ID') ?? ''),
          prettyName: unquote(one('os.PRETTY_NAME') ?? unquote(osId)),
        },
    machine: one('arch')?.trim() || null,
    cpus: int(one('cpus')),
    memTotalKiB: int(one('memtotal_kib')),
    hostname: one('hostname')?.trim() || null,
    interfaces,
    productUuid: one('product_uuid')?.trim().toLowerCase() || null,
    productUuidError: one('product_uuid_error')?.trim().replace(/^cat: /, '') || null,
    swaps: all('swap').map((entry) => {
      const [name = '', type = '', size = ''] = entry.trim().split(/\s+/);
      return { name, type, sizeKiB: Number(size) || 0 };
    }).filter((s) => s.name),
    fstabSwap: all('fstab_swap').map((s) => s.trim()).filter(Boolean),
    ntpSynchronized: ntp === 'yes' ? true : ntp === 'no' ? false : null,
    chronyLeap: one('chrony_leap')?.trim() || null,
    timeDaemons: all('time_daemon').map((d) => d.trim()).filter(Boolean),
    listening,
    tools,
    firewall: {
      ufwActive: all('ufw').some((l) => /Status:\s*active/i.test(l)),
      firewalldRunning: all('firewalld').some((l) => l.trim() === 'running'),
      inputRules: all('input_rule').map((r) => r.trim()).filter(Boolean),
    },
  };
}
