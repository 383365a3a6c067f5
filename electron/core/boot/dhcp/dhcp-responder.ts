/**
 * Full DHCP (RFC 2131 §4.3), as a function from one request to at most one reply and where to
 * send it. No sockets here, so every message type and corner is a unit test.
 */
import { chooseBoot, type BootConfig, type DecideBoot } from './boot-choice';
import { readClientInfo } from './client-info';
import { BOOTREPLY, clientMac, type DhcpPacket } from './codec';
import type { DhcpEvent } from './dhcp-events';
import { inPool, pickAddress, type PoolRange, type Reservations } from './address-pool';
import type { LeasesRepo } from './leases-repo';
import { bufferToIp, MessageType, Opt, opt, optionData, type DhcpOption } from './options';
import { buildProxyReply } from './proxy-reply';
import { offerDestination, type DhcpPorts } from './proxy-dhcp';

export interface DhcpNetwork {
  serverAddress: string;
  subnetMask: string;
  pool: PoolRange;
  router?: string;
  dnsServers?: string[];
  domainName?: string;
  leaseSeconds: number;
}

export interface ResponderContext {
  net: DhcpNetwork;
  leases: LeasesRepo;
  reservations: Reservations;
  ports: DhcpPorts;
  /** With boot config and hook, PXE clients get their boot answer in the same OFFER/ACK. */
  boot?: { config: BootConfig; decide: DecideBoot };
  now: () => number;
  broadcastAddress?: string;
}

export interface ResponderResult {
  reply: DhcpPacket | null;
  to?: { address: string; port: number };
  event?: DhcpEvent;
  /** What happened to a PXE client's boot request in this answer (offered a file, or not). */
  bootEvent?: DhcpEvent;
}

/** How long an OFFER holds its address for the client's REQUEST, and a DECLINEd address stays out. */
const OFFER_HOLD_MS = 60_000;
const DECLINE_HOLD_MS = 10 * 60_000;

export async function respond(req: DhcpPacket, ctx: ResponderContext): Promise<ResponderResult> {
  const type = optionData(req.options, Opt.MessageType)?.[0];
  const mac = clientMac(req);
  const serverId = optionData(req.options, Opt.ServerId);
  const forUs = !serverId || serverId.length !== 4 || bufferToIp(serverId) === ctx.net.serverAddress;
  const requested = ipOption(req, Opt.RequestedIp);
  const hostname = optionData(req.options, Opt.HostName)?.toString('latin1') ?? null;
  const now = ctx.now();

  switch (type) {
    case MessageType.Discover: {
      const ip = pickAddress(mac, requested, { ...ctx.net, leases: ctx.leases, reservations: ctx.reservations, now });
      if (!ip) return { reply: null, event: { kind: 'lease-nak', mac, ip: '', reason: `address pool ${ctx.net.pool.start}–${ctx.net.pool.end} is exhausted` } };
      ctx.leases.save({ ip, mac, hostname, state: 'offered', expiresAt: now + OFFER_HOLD_MS });
      return answer(req, ctx, MessageType.Offer, ip, { kind: 'lease-offer', mac, ip });
    }
    case MessageType.Request: {
      // The client picked another server's offer: forget ours, stay silent.
      if (!forUs) {
        const held = ctx.leases.byMac(mac);
        if (held?.state === 'offered') ctx.leases.remove(held.ip);
        return { reply: null };
      }
      const ip = requested ?? (req.ciaddr !== '0.0.0.0' ? req.ciaddr : null);
      if (!ip) return { reply: null };
      const ok = acceptable(mac, ip, ctx, now);
      if (!ok) return nak(req, ctx, mac, ip, `${ip} is not available to ${mac}`);
      ctx.leases.save({ ip, mac, hostname, state: 'bound', expiresAt: now + ctx.net.leaseSeconds * 1000 });
      return answer(req, ctx, MessageType.Ack, ip, { kind: 'lease-ack', mac, ip, ...(hostname ? { hostname } : {}) });
    }
    case MessageType.Decline: {
      if (!forUs || !requested) return { reply: null };
      ctx.leases.save({ ip: requested, mac: '', hostname: null, state: 'declined', expiresAt: now + DECLINE_HOLD_MS });
      return { reply: null, event: { kind: 'lease-decline', mac, ip: requested } };
    }
    case MessageType.Release: {
      const held = ctx.leases.byIp(req.ciaddr);
      if (!forUs || !held || held.mac !== mac) return { reply: null };
      ctx.leases.remove(req.ciaddr);
      return { reply: null, event: { kind: 'lease-release', mac, ip: req.ciaddr } };
    }
    case MessageType.Inform: {
      // Configuration only: no address, no lease time, straight back to the address it has.
      const r = await answer(req, ctx, MessageType.Ack, '0.0.0.0');
      return r.reply ? { reply: r.reply, to: { address: req.ciaddr !== '0.0.0.0' ? req.ciaddr : '255.255.255.255', port: ctx.ports.client } } : r;
    }
    default:
      return { reply: null };
  }
}

function acceptable(mac: string, ip: string, ctx: ResponderContext, now: number): boolean {
  const reservation = ctx.reservations.reservationFor(mac);
  if (reservation) return reservation === ip;
  if (!inPool(ip, ctx.net.pool)) return false;
  const picked = pickAddress(mac, ip, { ...ctx.net, leases: ctx.leases, reservations: ctx.reservations, now });
  return picked === ip;
}

function nak(req: DhcpPacket, ctx: ResponderContext, mac: string, ip: string, reason: string): ResponderResult {
  const reply = baseReply(req, [opt.u8(Opt.MessageType, MessageType.Nak), opt.ip(Opt.ServerId, ctx.net.serverAddress), opt.str(Opt.Message, reason)]);
  reply.ciaddr = '0.0.0.0';
  // RFC 2131 §4.3.2: a NAK goes by broadcast (or to the relay), since the client's address is in doubt.
  const [port, address] = req.giaddr !== '0.0.0.0' ? [ctx.ports.server, req.giaddr] : [ctx.ports.client, ctx.broadcastAddress ?? '255.255.255.255'];
  return { reply, to: { address, port }, event: { kind: 'lease-nak', mac, ip, reason } };
}

async function answer(req: DhcpPacket, ctx: ResponderContext, type: 2 | 5, ip: string, event?: DhcpEvent): Promise<ResponderResult> {
  const n = ctx.net;
  const options: DhcpOption[] = [opt.u8(Opt.MessageType, type), opt.ip(Opt.ServerId, n.serverAddress), opt.ip(Opt.SubnetMask, n.subnetMask)];
  if (n.router) options.push(opt.ip(Opt.Router, n.router));
  if (n.dnsServers?.length) options.push(opt.ips(Opt.DnsServers, n.dnsServers));
  if (n.domainName) options.push(opt.str(Opt.DomainName, n.domainName));
  if (ip !== '0.0.0.0') {
    options.push(opt.u32(Opt.LeaseTime, n.leaseSeconds), opt.u32(Opt.RenewalTime, n.leaseSeconds / 2), opt.u32(Opt.RebindingTime, (n.leaseSeconds * 7) / 8));
  }
  const reply = baseReply(req, options);
  reply.yiaddr = ip;
  const bootEvent = await addBootInfo(req, ctx, reply);
  const [port, address] = offerDestination(req, ctx.ports, ctx.broadcastAddress);
  return { reply, to: { address, port }, ...(event ? { event } : {}), ...(bootEvent ? { bootEvent } : {}) };
}

/**
 * A PXE client served by full DHCP gets its boot file in the same answer, the way ISC dhcpd and
 * dnsmasq give it: siaddr + `file` + option 67, WITHOUT option 60 "PXEClient" or option 43.
 * Seen with OVMF in the lab test: an address offer that says PXEClient is taken for a BINL offer,
 * and the firmware then asks port 4011 for its boot file — which full DHCP does not serve —
 * ending in "PXE-E16: No valid offer received". UEFI HTTP boot is the exception: it only accepts
 * an answer that says HTTPClient. iPXE is the other: it does no BINL, and an offer that says
 * PXEClient spares it ~10 s of waiting for a proxyDHCP answer that will never come.
 */
async function addBootInfo(req: DhcpPacket, ctx: ResponderContext, reply: DhcpPacket): Promise<DhcpEvent | undefined> {
  if (!ctx.boot) return undefined;
  const client = readClientInfo(req);
  if (!client.pxeClient && !client.httpClient) return undefined;
  if ((await ctx.boot.decide(client.mac, client)) === 'ignore') {
    return { kind: 'boot-ignored', mac: client.mac, client, reason: 'netboot is off for this node' };
  }
  const choice = chooseBoot(client, ctx.boot.config);
  if (choice.kind === 'none') return { kind: 'boot-ignored', mac: client.mac, client, reason: choice.reason };
  const boot = buildProxyReply({ request: req, answer: choice, serverAddress: ctx.boot.config.serverAddress, type: MessageType.Offer });
  reply.siaddr = boot.siaddr;
  reply.sname = boot.sname;
  reply.file = boot.file;
  const skip = new Set<number>([Opt.MessageType, Opt.ServerId, Opt.RelayAgent, Opt.VendorSpecific]);
  if (choice.kind !== 'http' && !client.ipxe) skip.add(Opt.VendorClass);
  reply.options.push(...boot.options.filter((o) => !skip.has(o.code)));
  const bootFile = choice.kind === 'tftp' ? choice.file : choice.url;
  return { kind: 'boot-offer', mac: client.mac, client, bootFile, via: 'dhcp', to: 'lease' };
}

function baseReply(req: DhcpPacket, options: DhcpOption[]): DhcpPacket {
  const relay = optionData(req.options, Opt.RelayAgent);
  if (relay) options.push(opt.raw(Opt.RelayAgent, relay));
  return {
    op: BOOTREPLY,
    htype: req.htype,
    hlen: req.hlen,
    hops: 0,
    xid: req.xid,
    secs: 0,
    flags: req.flags,
    ciaddr: req.ciaddr,
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: req.giaddr,
    chaddr: Buffer.from(req.chaddr),
    sname: '',
    file: '',
    options,
  };
}

function ipOption(req: DhcpPacket, code: number): string | null {
  const d = optionData(req.options, code);
  return d && d.length === 4 ? bufferToIp(d) : null;
}
