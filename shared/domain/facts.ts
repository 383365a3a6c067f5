/**
 * What Rackpilot knows about a node's hardware and system, gathered over SSH (on first contact and
 * on demand) and shown in the node view. Values the node would not tell (no DMI table in a
 * container, serial readable by root only) are null rather than guessed.
 */

export interface NodeDisk {
  name: string;
  sizeBytes: number;
  /** lsblk's TYPE: disk, part, rom, lvm… */
  type: string;
  model: string | null;
  serial: string | null;
  rotational: boolean | null;
  /** Transport: sata, nvme, usb… */
  transport: string | null;
  children: NodeDisk[];
}

export interface NodeNicAddress {
  family: 'inet' | 'inet6';
  address: string;
  prefixLength: number;
}

export interface NodeNic {
  name: string;
  mac: string | null;
  mtu: number | null;
  /** ip's operstate: UP, DOWN, UNKNOWN… */
  state: string | null;
  addresses: NodeNicAddress[];
}

export interface NodeFacts {
  os: { id: string | null; versionId: string | null; prettyName: string | null };
  kernel: string | null;
  arch: string | null;
  cpu: { model: string | null; cores: number | null; threads: number | null };
  memoryBytes: number | null;
  disks: NodeDisk[];
  nics: NodeNic[];
  dmi: { vendor: string | null; product: string | null; serial: string | null };
  /** systemd-detect-virt's answer (kvm, docker…), or null on bare metal / when unknown. */
  virtualization: string | null;
  gatheredAt: string;
}
