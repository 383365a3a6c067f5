/** Builders of client requests for tests: a PXE ROM's DISCOVER, iPXE's, a plain DHCP client's. */
import { BOOTREQUEST, BROADCAST_FLAG, type DhcpPacket } from '../codec';
import { MessageType, Opt, opt, type DhcpOption } from '../options';
import { encodeClientArch, encodeClientGuid } from '../pxe-options';

export interface RequestSpec {
  mac?: string;
  type?: number;
  arch?: number | null;
  vendorClass?: string | null;
  userClass?: string | null;
  guid?: string | null;
  xid?: number;
  ciaddr?: string;
  giaddr?: string;
  extra?: DhcpOption[];
}

export function macToChaddr(mac: string): Buffer {
  const b = Buffer.alloc(16);
  Buffer.from(mac.replace(/:/g, ''), 'hex').copy(b);
  return b;
}

export function clientRequest(s: RequestSpec = {}): DhcpPacket {
  const arch = s.arch === undefined ? 0 : s.arch;
  const vendorClass =
    s.vendorClass === undefined ? `PXEClient:Arch:${String(arch ?? 0).padStart(5, '0')}:UNDI:002001` : s.vendorClass;
  const options: DhcpOption[] = [opt.u8(Opt.MessageType, s.type ?? MessageType.Discover)];
  if (arch !== null) options.push(opt.raw(Opt.ClientArch, encodeClientArch([arch])));
  if (vendorClass !== null) options.push(opt.str(Opt.VendorClass, vendorClass));
  if (s.userClass) options.push(opt.str(Opt.UserClass, s.userClass));
  const guid = s.guid === undefined ? '12345678-9abc-def0-1234-56789abcdef0' : s.guid;
  if (guid) options.push(opt.raw(Opt.ClientGuid, encodeClientGuid(guid)));
  options.push(...(s.extra ?? []));
  return {
    op: BOOTREQUEST,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: s.xid ?? 0x1234abcd,
    secs: 0,
    flags: BROADCAST_FLAG,
    ciaddr: s.ciaddr ?? '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: s.giaddr ?? '0.0.0.0',
    chaddr: macToChaddr(s.mac ?? '52:54:00:12:34:56'),
    sname: '',
    file: '',
    options,
  };
}
