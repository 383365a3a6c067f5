/**
 * Before full DHCP starts, ask the lab interface whether a DHCP server already answers there
 * (DESIGN §10: never a second DHCP server on a network). Sends one DISCOVER from the interface,
 * listens a few seconds, and names every server that offered: its address and, from the kernel's
 * neighbour table, its MAC.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BOOTREQUEST, BROADCAST_FLAG, decodePacket, encodePacket } from './codec';
import { bufferToIp, MessageType, Opt, opt, optionData } from './options';
import { openDhcpSocket, sendTo } from './udp-socket';

export interface OtherDhcpServer {
  /** Option 54 of its answer, else the packet's source address. */
  serverId: string;
  from: string;
  mac: string | null;
  offered: string;
}

export interface ProbeOptions {
  device: string | null;
  /** The MAC the DISCOVER carries (the lab interface's own). */
  mac: string;
  timeoutMs?: number;
  serverPort?: number;
  clientPort?: number;
  broadcastAddress?: string;
}

export async function probeForDhcpServers(o: ProbeOptions): Promise<OtherDhcpServer[]> {
  const serverPort = o.serverPort ?? 67;
  // Shared: a DHCP client on this host (dhclient) may hold port 68 already.
  const socket = await openDhcpSocket({ port: o.clientPort ?? 68, device: o.device, shared: true });
  const xid = randomBytes(4).readUInt32BE(0);
  const found = new Map<string, OtherDhcpServer>();
  try {
    socket.on('message', (msg, rinfo) => {
      const r = decodePacket(msg);
      if (!r.ok || r.packet.xid !== xid || optionData(r.packet.options, Opt.MessageType)?.[0] !== MessageType.Offer) return;
      const sid = optionData(r.packet.options, Opt.ServerId);
      const serverId = sid?.length === 4 ? bufferToIp(sid) : rinfo.address;
      found.set(serverId, { serverId, from: rinfo.address, mac: null, offered: r.packet.yiaddr });
    });
    const chaddr = Buffer.alloc(16);
    Buffer.from(o.mac.replace(/:/g, ''), 'hex').copy(chaddr);
    const discover = encodePacket({
      op: BOOTREQUEST, htype: 1, hlen: 6, hops: 0, xid, secs: 0, flags: BROADCAST_FLAG,
      ciaddr: '0.0.0.0', yiaddr: '0.0.0.0', siaddr: '0.0.0.0', giaddr: '0.0.0.0', chaddr, sname: '', file: '',
      options: [opt.u8(Opt.MessageType, MessageType.Discover), opt.raw(Opt.ParameterList, Buffer.from([1, 3, 6, 54]))],
    });
    // Repeated like a real client's retransmissions: dnsmasq, for one, pings an address for up to
    // 3 s before its first OFFER of it, and a single short listen would miss it.
    const send = () => sendTo(socket, discover, serverPort, o.broadcastAddress ?? '255.255.255.255').catch(() => undefined);
    await send();
    const again = setInterval(() => void send(), 1500);
    await new Promise((r) => setTimeout(r, o.timeoutMs ?? 4000));
    clearInterval(again);
    // The OFFER came by broadcast, so the kernel has not learnt the sender's MAC; one datagram to
    // its discard port makes it ARP for it, and the neighbour table then names the machine.
    for (const s of found.values()) await sendTo(socket, Buffer.alloc(0), 9, s.from).catch(() => undefined);
    if (found.size > 0) await new Promise((r) => setTimeout(r, 300));
    for (const s of found.values()) s.mac = neighbourMac(s.from);
  } finally {
    socket.close();
  }
  return [...found.values()];
}

function neighbourMac(ip: string): string | null {
  try {
    for (const line of readFileSync('/proc/net/arp', 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[0] === ip && cols[3] && cols[3] !== '00:00:00:00:00:00') return cols[3];
    }
  } catch {
    // not Linux: the address alone still names the server
  }
  return null;
}
