/**
 * The practice rack (issue 5): virtual bare-metal nodes in QEMU that network-boot from Rackpilot
 * exactly as real servers do, and the power drivers that switch nodes on and off (`qemu` is the
 * first; IPMI and Redfish come later). Types, limits and input schemas; plain data only.
 */
import { z } from 'zod';
import type { WireError } from '../protocol';
import { nodeIdSchema } from './node-schema';

export const VM_FIRMWARES = ['bios', 'uefi'] as const;
/** bios: SeaBIOS running QEMU's iPXE option ROM. uefi: OVMF (EDK2). */
export type VmFirmware = (typeof VM_FIRMWARES)[number];

export const VM_STATES = ['stopped', 'starting', 'running', 'stopping', 'failed'] as const;
export type VmState = (typeof VM_STATES)[number];

/**
 * rootless: QEMU user networking (its DHCP points iPXE at the boot HTTP server on this machine's
 * loopback, SSH through a forwarded port) plus a shared socket network between the nodes.
 * bridged: one tap per node on a bridge in a network namespace Rackpilot owns (needs root).
 */
export const VLAB_NETWORK_MODES = ['rootless', 'bridged'] as const;
export type VlabNetworkMode = (typeof VLAB_NETWORK_MODES)[number];

/**
 * Who hands out addresses on the bridged lab wire — the two shapes of a real rack's network.
 * rackpilot: an isolated lab where Rackpilot is the DHCP server (full DHCP on its veth).
 * home-router: the home-LAN shape — a pretend home router (dnsmasq, inside the lab namespace)
 * hands out addresses and Rackpilot only answers PXE as proxyDHCP, as on a real home network.
 */
export const VLAB_ROUTERS = ['rackpilot', 'home-router'] as const;
export type VlabRouter = (typeof VLAB_ROUTERS)[number];

/**
 * The bridged lab network: where it is, whether it can be used here, and what using it does.
 * It exists only while bridged nodes run; Rackpilot never touches any other interface or route.
 */
export interface VlabBridgedStatus {
  /** Root (or the capabilities listed in `reason`) and a free lab subnet. */
  available: boolean;
  /** Why not, or what it is. */
  reason: string;
  /** The network namespace Rackpilot owns (prefix `rackpilot-lab-`). */
  namespace: string;
  /** The host end of the veth into the lab bridge: the boot services bind to it. */
  hostInterface: string;
  /** e.g. 10.78.0.0/24 */
  subnet: string;
  /** This machine's address on the lab network, e.g. 10.78.0.1 */
  hostAddress: string;
  /** The namespace is up (bridged nodes are running). */
  active: boolean;
  /** Bridged nodes running now. */
  running: number;
  /**
   * What starting the first bridged node does to the boot settings (full DHCP or proxyDHCP on
   * the veth, by `router`), and that they are put back when the last one stops.
   */
  bootTakeover: string;
  /**
   * Who hands out the lab's addresses: the running lab's shape while `active`, else the one the
   * next lab gets (it cannot change while bridged nodes run). Additive: absent from older cores.
   */
  router?: VlabRouter;
  /** Why the home-router shape cannot run here (dnsmasq missing), or null. Additive. */
  homeRouterUnavailable?: string | null;
}

export type VmAccelerator = 'kvm' | 'tcg';

export interface VirtualNode {
  id: string;
  name: string;
  /** MAC of the booting NIC: the inventory knows the node by it. */
  mac: string;
  /** The inventory node created with this VM; null once the user removed that node. */
  nodeId: string | null;
  firmware: VmFirmware;
  memoryMb: number;
  cpus: number;
  /** Size of the (sparse, initially empty) qcow2 disk. */
  diskGb: number;
  network: VlabNetworkMode;
  /** Rootless: 127.0.0.1:<sshPort> on this machine reaches the node's port 22. Bridged: null (SSH goes to its leased address). */
  sshPort: number | null;
  /**
   * Rootless: the second NIC, on the network the nodes share with each other (clusters), and the
   * address Rackpilot assigns it (for the node's cloud-init network-config).
   */
  peer: { mac: string; address: string } | null;
  state: VmState;
  /** Why the last start failed or the VM died; null after a clean start or stop. */
  lastError: WireError | null;
  /** The QEMU process while there is one. */
  pid: number | null;
  /** What the current or last run used. */
  accelerator: VmAccelerator | null;
  startedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A system package the practice rack needs and does not find. */
export interface VlabMissing {
  what: string;
  path: string;
  /** Debian/Ubuntu package that provides it. */
  package: string;
}

export const VLAB_PACKAGES = ['qemu-system-x86', 'ipxe-qemu', 'ovmf', 'qemu-utils'] as const;
export const VLAB_INSTALL_COMMAND = `sudo apt-get install ${VLAB_PACKAGES.join(' ')}`;

export interface VlabStatus {
  /** QEMU and qemu-img are there: virtual nodes can be created and started. */
  available: boolean;
  missing: VlabMissing[];
  /** The command that installs what is missing; null when nothing is. */
  install: string | null;
  /** A sentence for the Practice rack page when something is missing. */
  message: string | null;
  qemuVersion: string | null;
  /** Which firmware can boot here (uefi needs OVMF; bios needs the iPXE ROMs). */
  firmwares: Record<VmFirmware, boolean>;
  accelerator: { kind: VmAccelerator; reason: string };
  network: {
    mode: VlabNetworkMode;
    /** e.g. "bridged needs root: using rootless". */
    reason: string;
    /** What the nodes' DHCP tells iPXE to fetch (before the MAC is appended). */
    bootUrl: string | null;
    /** The boot HTTP server runs where the nodes can reach it. */
    bootReachable: boolean;
    /** What to do when it does not. */
    bootMessage: string | null;
    /** The bridged lab network (additive: absent from older cores). */
    bridged?: VlabBridgedStatus;
  };
  nodes: VirtualNode[];
}

export interface VlabConsoleTail {
  id: string;
  /** The last bytes of the serial console (raw: firmware output carries ANSI escapes). */
  text: string;
  /** Bytes of console output kept on disk (current file plus the rotated one). */
  size: number;
  /** True when older output exists beyond `text`. */
  truncated: boolean;
}

/** Error codes of this area (kept stable like those in shared/errors.ts). */
export const VlabErrorCode = {
  /** qemu-system-x86_64, qemu-img or a firmware file is missing; details list what to install. */
  QemuMissing: 'E_QEMU_MISSING',
  /** QEMU refused to start or died; the message carries its own words. */
  QemuFailed: 'E_QEMU_FAILED',
  /** The node has no power driver (not a virtual node, and no BMC configured). */
  PowerUnsupported: 'E_POWER_UNSUPPORTED',
  /** Bridged lab networking cannot run here (no root / capabilities); rootless can. */
  BridgedUnavailable: 'E_BRIDGED_UNAVAILABLE',
  /** The lab subnet is already routed on this machine; Rackpilot will not shadow it. */
  LabSubnetInUse: 'E_LAB_SUBNET_IN_USE',
  /** Setting up or tearing down the lab namespace, bridge, veth or a tap failed. */
  LabNetworkFailed: 'E_LAB_NETWORK_FAILED',
  /** The home-LAN shape needs dnsmasq (dnsmasq-base) as the pretend router, and it is missing. */
  HomeRouterUnavailable: 'E_HOME_ROUTER_UNAVAILABLE',
} as const;

export const VM_LIMITS = {
  count: { min: 1, max: 16 },
  memoryMb: { min: 256, max: 65536, default: 2048 },
  cpus: { min: 1, max: 16, default: 1 },
  diskGb: { min: 1, max: 2048, default: 20 },
} as const;

const vmId = z.string().min(1).max(64);

export const vlabCreateInput = z
  .object({
    count: z.number().int().min(VM_LIMITS.count.min, 'Create at least one node').max(VM_LIMITS.count.max, `At most ${VM_LIMITS.count.max} nodes at once`).default(1),
    firmware: z.enum(VM_FIRMWARES).default('bios'),
    memoryMb: z
      .number()
      .int()
      .min(VM_LIMITS.memoryMb.min, `Memory must be at least ${VM_LIMITS.memoryMb.min} MiB (firmware and iPXE need it; the live lab image needs about 2048)`)
      .max(VM_LIMITS.memoryMb.max, `Memory is at most ${VM_LIMITS.memoryMb.max} MiB`)
      .default(VM_LIMITS.memoryMb.default),
    cpus: z.number().int().min(VM_LIMITS.cpus.min, 'A node needs at least one CPU').max(VM_LIMITS.cpus.max, `At most ${VM_LIMITS.cpus.max} CPUs`).default(VM_LIMITS.cpus.default),
    diskGb: z
      .number()
      .int()
      .min(VM_LIMITS.diskGb.min, `The disk must be at least ${VM_LIMITS.diskGb.min} GiB (it is sparse: it only takes what the node writes)`)
      .max(VM_LIMITS.diskGb.max, `The disk is at most ${VM_LIMITS.diskGb.max} GiB`)
      .default(VM_LIMITS.diskGb.default),
    /** Names are <prefix>-01, <prefix>-02, … skipping names already taken. */
    namePrefix: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9-]{0,19}$/i, 'The name prefix uses letters, digits and hyphens (at most 20), e.g. vnode')
      .default('vnode'),
    /**
     * rootless (default, no privileges) or bridged (a tap on Rackpilot's lab bridge, addresses
     * from Rackpilot or the lab's home router; needs root). See VlabStatus.network.bridged.
     */
    network: z.enum(VLAB_NETWORK_MODES).default('rootless'),
    /**
     * Bridged only: the bridged lab's shape for these nodes. It is lab-wide (as vlab.configure
     * sets it), so it is refused while bridged nodes run with the other one. Absent: unchanged.
     */
    router: z.enum(VLAB_ROUTERS).optional(),
  })
  .strict();
export type VlabCreateInput = z.output<typeof vlabCreateInput>;

/** Lab-wide settings of the practice rack (a change applies to the next bridged lab). */
export const vlabConfigureInput = z
  .object({
    /** The bridged lab's shape; refused while bridged nodes run (stop them first). */
    router: z.enum(VLAB_ROUTERS),
  })
  .strict();
export type VlabConfigureInput = z.output<typeof vlabConfigureInput>;

export const vlabIdInput = z.object({ id: vmId }).strict();

export const vlabStopInput = z
  .object({
    id: vmId,
    /** Pull the plug instead of pressing the power button (ACPI) and waiting for the OS. */
    force: z.boolean().default(false),
  })
  .strict();

export const vlabDestroyInput = z
  .object({
    id: vmId,
    /** Destroying deletes the VM's disk: the UI asks first and passes true. */
    confirm: z.boolean(),
    /**
     * Also remove the node from the inventory. Default false: the inventory entry (its timeline,
     * role, tags) is the user's record and is removed only on request, as with real hardware.
     */
    removeNode: z.boolean().default(false),
  })
  .strict();

export const vlabConsoleInput = z
  .object({
    id: vmId,
    tailBytes: z.number().int().min(1).max(512 * 1024).default(16 * 1024),
  })
  .strict();

/**
 * on / off (hard, like a BMC's power off) / reset / pxe-once: boot from the network once, even
 * when the machine would boot its disk (IPMI `chassis bootdev pxe` + power cycle).
 */
export const POWER_ACTIONS = ['on', 'off', 'reset', 'pxe-once'] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];

export const POWER_DRIVERS = ['qemu'] as const;
export type PowerDriverName = (typeof POWER_DRIVERS)[number];

export const nodePowerInput = z.object({ id: nodeIdSchema, action: z.enum(POWER_ACTIONS) }).strict();

export interface PowerStatus {
  nodeId: string;
  /** Which driver controls this node's power; null when none does. */
  driver: PowerDriverName | null;
  power: 'on' | 'off' | 'unknown';
  /** What the driver can do for this node. */
  actions: PowerAction[];
}
