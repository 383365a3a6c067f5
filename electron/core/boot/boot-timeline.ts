/**
 * Puts what the boot listeners see on the right node's timeline. DHCP knows MACs; TFTP and HTTP
 * only know client IPs, so addresses learnt from DHCP (leases, 4011 requests) map them back.
 */
import type { BootInventory } from '../nodes/boot-inventory';
import type { DhcpEvent } from './dhcp/dhcp-events';
import type { TftpTransferEvent } from './tftp';

/** Enough for a rack or a boot storm; oldest entries go first. */
const MAX_ADDRESSES = 4096;

export class BootTimeline {
  private readonly macByIp = new Map<string, string>();

  constructor(private readonly inventory: BootInventory) {}

  /** The MAC last seen at this IP, if any. */
  macFor(ip: string): string | undefined {
    return this.macByIp.get(ip.replace(/^::ffff:/, ''));
  }

  readonly dhcp = (e: DhcpEvent): void => {
    const node = this.inventory.findByMac(e.mac);
    switch (e.kind) {
      case 'boot-offer':
        if (e.via === 'pxe') this.remember(e.to.split(':')[0] ?? '', e.mac);
        this.inventory.timeline(node?.id ?? null, {
          kind: 'boot.dhcp',
          summary: `${e.via === 'pxe' ? 'PXE (4011) answer' : 'DHCP offer'} to ${e.mac}: boot ${e.bootFile}`,
          data: { mac: e.mac, bootFile: e.bootFile, arch: e.client.arch, ipxe: e.client.ipxe },
        });
        return;
      case 'boot-ignored':
        // Unknown machines are recorded as discovered elsewhere; only known nodes get this line.
        if (node) this.inventory.timeline(node.id, { kind: 'boot.dhcp', summary: `PXE request not answered: ${e.reason}` });
        return;
      case 'lease-ack':
        this.remember(e.ip, e.mac);
        this.inventory.timeline(node?.id ?? null, { kind: 'boot.dhcp', summary: `Leased ${e.ip} to ${e.mac}${e.hostname ? ` (${e.hostname})` : ''}` });
        return;
      case 'lease-nak':
        this.inventory.timeline(node?.id ?? null, { kind: 'boot.dhcp', summary: `Refused ${e.ip} to ${e.mac}: ${e.reason}` });
        return;
      case 'lease-decline':
        this.inventory.timeline(node?.id ?? null, { kind: 'boot.dhcp', summary: `${e.mac} declined ${e.ip} (address already in use on the network?)` });
        return;
      default:
        return;
    }
  };

  readonly tftp = (e: TftpTransferEvent): void => {
    // UEFI firmware asks for the size first and aborts on purpose; that is not news.
    if (e.outcome === 'probe') return;
    const mac = this.macFor(e.ip);
    const node = mac ? this.inventory.findByMac(mac) : undefined;
    const what = e.outcome === 'ok' ? `sent ${e.file} (${Math.round(e.bytes / 1024)} KiB in ${(e.ms / 1000).toFixed(1)} s)` : `${e.file}: ${e.outcome}${e.detail ? ` — ${e.detail}` : ''}`;
    this.inventory.timeline(node?.id ?? null, { kind: 'boot.tftp', summary: `TFTP to ${e.ip}: ${what}`, data: { file: e.file, bytes: e.bytes, outcome: e.outcome } });
  };

  /** Records that this IP belongs to this MAC (HTTP requests carry ?mac= themselves). */
  remember(ip: string, mac: string): void {
    if (!ip || ip === '0.0.0.0') return;
    this.macByIp.delete(ip);
    this.macByIp.set(ip, mac);
    if (this.macByIp.size > MAX_ADDRESSES) this.macByIp.delete(this.macByIp.keys().next().value as string);
  }
}
