/**
 * The proxyDHCP answer (DESIGN §5.4), built as a pure function of the request and the boot
 * choice. It carries boot information only — no address (yiaddr stays 0): the network's own DHCP
 * server gives the address, and the PXE client merges both answers.
 */
import { BOOTREPLY, type DhcpPacket } from './codec';
import { MessageType, Opt, opt, optionData, type DhcpOption } from './options';
import { encodeSubOptions, PxeSubOpt, PXE_DISCOVERY_USE_BOOTFILE } from './pxe-options';
import type { BootAnswer } from './boot-choice';

const FILE_FIELD_MAX = 127;
const SNAME_FIELD_MAX = 63;

export interface ProxyReplyInput {
  request: DhcpPacket;
  answer: Exclude<BootAnswer, { kind: 'none' }>;
  serverAddress: string;
  /** OFFER answers a DISCOVER on 67; ACK answers a REQUEST on 4011. */
  type: typeof MessageType.Offer | typeof MessageType.Ack;
}

export function buildProxyReply({ request, answer, serverAddress, type }: ProxyReplyInput): DhcpPacket {
  const bootFile = answer.kind === 'tftp' ? answer.file : answer.url;
  const httpBoot = answer.kind === 'http';

  const options: DhcpOption[] = [
    opt.u8(Opt.MessageType, type),
    opt.ip(Opt.ServerId, serverAddress),
    // UEFI HTTP boot only accepts an answer that says HTTPClient back; PXE wants PXEClient.
    opt.str(Opt.VendorClass, httpBoot ? 'HTTPClient' : 'PXEClient'),
  ];
  // Firmware matches the answer to itself by GUID; without the echo some ROMs drop the offer.
  const guid = optionData(request.options, Opt.ClientGuid);
  if (guid) options.push(opt.raw(Opt.ClientGuid, guid));
  // BIOS ROMs otherwise wait for boot-server discovery on 4011; "use the boot file" skips it.
  // UEFI firmware is left without option 43: some of it ignores offers that carry it.
  if (answer.kind === 'tftp' && answer.firmware === 'bios') {
    options.push(
      opt.raw(Opt.VendorSpecific, encodeSubOptions([opt.u8(PxeSubOpt.DiscoveryControl, PXE_DISCOVERY_USE_BOOTFILE)])),
    );
  }
  // Both the BOOTP field and option 67: ROMs differ in which one they read.
  options.push(opt.str(Opt.BootFileName, bootFile));
  // A relay put option 82 in; RFC 3046 says the answer carries it back unchanged.
  const relay = optionData(request.options, Opt.RelayAgent);
  if (relay) options.push(opt.raw(Opt.RelayAgent, relay));

  return {
    op: BOOTREPLY,
    htype: request.htype,
    hlen: request.hlen,
    hops: 0,
    xid: request.xid,
    secs: 0,
    flags: request.flags,
    ciaddr: type === MessageType.Ack ? request.ciaddr : '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: serverAddress,
    giaddr: request.giaddr,
    chaddr: Buffer.from(request.chaddr),
    sname: serverAddress.length <= SNAME_FIELD_MAX ? serverAddress : '',
    // A long HTTP URL does not fit the 128-byte field; option 67 still carries it whole.
    file: bootFile.length <= FILE_FIELD_MAX ? bootFile : '',
    options,
  };
}
