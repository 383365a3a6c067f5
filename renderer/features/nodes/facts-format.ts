/**
 * Facts as people read them (pure): sizes in binary units the way lsblk and free -h print them,
 * one line per CPU, disks as an indented tree, addresses in CIDR form. A value the node would not
 * tell stays visibly unknown rather than being guessed.
 */
import type { NodeDisk, NodeFacts, NodeNic } from '../../../shared/domain/facts';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** 274877906944 → "256 GiB"; 1610612736 → "1.5 GiB"; one decimal at most, none when whole. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes) || bytes < 0) return 'unknown';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  // Round first: 1023.96 KiB shows as "1 MiB", not "1024 KiB".
  let rounded = Math.round(value * 10) / 10;
  if (rounded >= 1024 && unit < UNITS.length - 1) {
    rounded = Math.round((rounded / 1024) * 10) / 10;
    unit++;
  }
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} ${UNITS[unit]}`;
}

/** "Debian GNU/Linux 12 (bookworm)", or what little is known. */
export function osLabel(os: NodeFacts['os']): string {
  if (os.prettyName) return os.prettyName;
  const parts = [os.id, os.versionId].filter(Boolean);
  return parts.length ? parts.join(' ') : 'unknown';
}

/** What systemd-detect-virt said; null means none found (bare metal) or the tool is missing. */
export function virtLabel(virt: string | null): string {
  return virt ?? 'none detected (bare metal, or systemd-detect-virt is missing)';
}

/** "Dell Inc. PowerEdge R720", or "unknown". */
export function machineLabel(dmi: NodeFacts['dmi']): string {
  const parts = [dmi.vendor, dmi.product].filter(Boolean);
  return parts.length ? parts.join(' ') : 'unknown';
}

export interface DiskRow {
  disk: NodeDisk;
  /** 0 for a disk, 1 for its partitions, 2 for what lives in those (LVM, crypt). */
  depth: number;
  /** Stable key for lists: the path of names from the top. */
  key: string;
}

/** The lsblk tree as rows in order, each child right after its parent. */
export function diskRows(disks: readonly NodeDisk[]): DiskRow[] {
  const rows: DiskRow[] = [];
  const walk = (list: readonly NodeDisk[], depth: number, prefix: string) => {
    list.forEach((disk, i) => {
      const key = `${prefix}/${disk.name || i}`;
      rows.push({ disk, depth, key });
      walk(disk.children, depth + 1, key);
    });
  };
  walk(disks, 0, '');
  return rows;
}

/** "SSD", "HDD" or null when the kernel does not say; nvme/… transport in front when known. */
export function diskKindLabel(disk: NodeDisk): string {
  const media = disk.rotational === null ? null : disk.rotational ? 'HDD' : 'SSD';
  return [disk.transport, media].filter(Boolean).join(' · ') || '—';
}

/** The addresses of a NIC in CIDR form, IPv4 first. */
export function nicAddresses(nic: NodeNic): string[] {
  const ordered = [...nic.addresses].sort((a, b) => (a.family === b.family ? 0 : a.family === 'inet' ? -1 : 1));
  return ordered.map((a) => `${a.address}/${a.prefixLength}`);
}

/** NICs worth showing first: real interfaces before the loopback, then by name. */
export function sortNics(nics: readonly NodeNic[]): NodeNic[] {
  const isLo = (n: NodeNic) => n.name === 'lo';
  return [...nics].sort((a, b) => Number(isLo(a)) - Number(isLo(b)) || a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** Total size of the whole disks (not partitions), for the summary line. */
export function totalDiskBytes(disks: readonly NodeDisk[]): number {
  return disks.filter((d) => d.type === 'disk' && d.sizeBytes > 0).reduce((sum, d) => sum + d.sizeBytes, 0);
}
