/**
 * The qemu-system-x86_64 command line of one virtual node. Pure: same spec, same arguments, so
 * the unit tests pin every choice below (each verified against QEMU 7.2 with SeaBIOS and OVMF).
 */
import type { VirtualNode, VmAccelerator } from '../../../shared/domain/vlab';

/** QEMU user networking: its own DHCP/TFTP/NAT; 10.0.2.2 is this machine's loopback. */
export interface RootlessNetwork {
  mode: 'rootless';
  /** http://10.0.2.2:<port>/boot.ipxe — the MAC and platform are appended here. */
  bootUrl: string;
  /** Host port on 127.0.0.1 forwarded to the guest's 22. */
  sshPort: number;
  /** Second NIC on a multicast socket network all nodes of this data dir share. */
  peer: { mac: string; group: string } | null;
}

/** A tap on Rackpilot's lab bridge (QEMU runs inside the lab namespace). */
export interface BridgedNetwork {
  mode: 'bridged';
  tap: string;
}

export interface QemuLaunchSpec {
  vm: Pick<VirtualNode, 'id' | 'mac' | 'firmware' | 'memoryMb' | 'cpus'>;
  accelerator: VmAccelerator;
  diskPath: string;
  qmpPath: string;
  ovmfPath: string;
  network: RootlessNetwork | BridgedNetwork;
}

/** Unique on the machine: how tests (and a restart) find a VM's process. */
export function vmProcessName(id: string): string {
  return `rackpilot-vm-${id}`;
}

/** QEMU option values are comma-separated; a literal comma is written twice. */
function opt(value: string): string {
  return value.replace(/,/g, ',,');
}

/** BOOTP's file field is 128 bytes including the terminating NUL; QEMU's DHCP copies into it. */
const MAX_BOOTFILE = 127;

export function rootlessBootfile(bootUrl: string, mac: string, firmware: 'bios' | 'uefi'): string {
  // We know the MAC and firmware already: asking with them saves the chain round trip a bare
  // /boot.ipxe costs, and lets the boot server note the node's firmware.
  const url = `${bootUrl}?mac=${mac}&platform=${firmware === 'uefi' ? 'efi' : 'pcbios'}&arch=x86_64`;
  if (url.length > MAX_BOOTFILE) throw new Error(`boot URL ${url} is longer than DHCP's ${MAX_BOOTFILE}-byte file field`);
  return url;
}

export function buildQemuArgs(spec: QemuLaunchSpec): string[] {
  const { vm } = spec;
  const uefi = vm.firmware === 'uefi';
  return [
    '-name', vmProcessName(vm.id),
    // Only what we list: no default NIC, VGA, floppy, CD-ROM or monitor, no /etc/qemu config.
    '-nodefaults', '-no-user-config',
    // graphics=off makes SeaBIOS (and the iPXE ROM through it) print on the serial port.
    '-machine', uefi ? 'q35' : 'q35,graphics=off',
    '-accel', spec.accelerator,
    ...(spec.accelerator === 'kvm' ? ['-cpu', 'host'] : []),
    '-m', String(vm.memoryMb),
    '-smp', String(vm.cpus),
    '-display', 'none',
    // The console goes to our stdout pipe; the core caps what it keeps (console-log.ts).
    '-serial', 'stdio',
    '-qmp', `unix:${opt(spec.qmpPath)},server=on,wait=off`,
    ...(uefi ? ['-bios', spec.ovmfPath] : []),
    // bootindex, not -boot order: OVMF honours only bootindex. NIC first, then the disk, nothing else.
    '-boot', 'strict=on',
    '-drive', `if=none,id=disk0,file=${opt(spec.diskPath)},format=qcow2,discard=unmap`,
    '-device', 'virtio-blk-pci,drive=disk0,bootindex=2',
    ...networkArgs(spec),
  ];
}

function networkArgs(spec: QemuLaunchSpec): string[] {
  const { vm, network } = spec;
  if (network.mode === 'bridged') {
    // UEFI on the bridge boots OVMF's own PXE (romfile= drops the iPXE ROM), as real servers do.
    const rom = vm.firmware === 'uefi' ? ',romfile=' : '';
    return ['-netdev', `tap,id=boot,ifname=${opt(network.tap)},script=no,downscript=no`, '-device', `virtio-net-pci,netdev=boot,mac=${vm.mac},bootindex=1${rom}`];
  }
  const bootfile = rootlessBootfile(network.bootUrl, vm.mac, vm.firmware);
  // Rootless keeps QEMU's iPXE ROM for UEFI too: OVMF's native PXE would fetch the HTTP URL over TFTP.
  const args = [
    '-netdev', `user,id=boot,bootfile=${opt(bootfile)},hostfwd=tcp:127.0.0.1:${network.sshPort}-:22`,
    '-device', `virtio-net-pci,netdev=boot,mac=${vm.mac},bootindex=1`,
  ];
  if (network.peer) {
    // romfile= : the node-to-node NIC must never offer itself as a boot device.
    args.push(
      '-netdev', `socket,id=peer,mcast=${network.peer.group},localaddr=127.0.0.1`,
      '-device', `virtio-net-pci,netdev=peer,mac=${network.peer.mac},romfile=`,
    );
  }
  return args;
}
