/**
 * proxyDHCP (DESIGN §5.2): beside the network's own DHCP server, answers PXE and UEFI HTTP boot
 * clients with boot information only — DISCOVER on port 67 with an OFFER, REQUEST on port 4011
 * with an ACK. Never gives an address, never answers anything else, never crashes on input.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import type { Logger } from '../../log';
import { chooseBoot, type BootConfig, type DecideBoot } from './boot-choice';
import { readClientInfo } from './client-info';
import { BOOTREQUEST, BROADCAST_FLAG, decodePacket, encodePacket, type DhcpPacket } from './codec';
import type { DhcpEventSink } from './dhcp-events';
import { createDropCounter } from './drop-counter';
import { MessageType, Opt, optionData } from './options';
import { buildProxyReply } from './proxy-reply';
import { openDhcpSocket, sendTo } from './udp-socket';

export interface DhcpPorts {
  /** Server port for DHCP (67); relays are answered on it too. */
  server: number;
  /** Client port (68). */
  client: number;
  /** PXE boot-server port (4011). */
  pxe: number;
}
export const DEFAULT_DHCP_PORTS: DhcpPorts = { server: 67, client: 68, pxe: 4011 };

export interface ProxyDhcpOptions {
  /** Interface to bind (SO_BINDTODEVICE); null only on single-interface hosts and loopback tests. */
  device: string | null;
  boot: BootConfig;
  decide: DecideBoot;
  log: Logger;
  ports?: Partial<DhcpPorts>;
  onEvent?: DhcpEventSink;
  /** Limited broadcast unless a test needs a subnet broadcast. */
  broadcastAddress?: string;
}

export interface ProxyDhcpService {
  readonly ports: DhcpPorts;
  readonly dropped: number;
  stop(): Promise<void>;
}

export async function startProxyDhcp(o: ProxyDhcpOptions): Promise<ProxyDhcpService> {
  const ports = { ...DEFAULT_DHCP_PORTS, ...o.ports };
  const drops = createDropCounter(o.log, 'proxyDHCP');
  const dhcpSocket = await openDhcpSocket({ port: ports.server, device: o.device });
  let pxeSocket: Socket;
  try {
    pxeSocket = await openDhcpSocket({ port: ports.pxe, device: o.device });
  } catch (err) {
    dhcpSocket.close();
    throw err;
  }

  const handle = async (msg: Buffer, rinfo: RemoteInfo, via: 'dhcp' | 'pxe') => {
    const from = `${rinfo.address}:${rinfo.port}`;
    const decoded = decodePacket(msg);
    if (!decoded.ok) return drops.drop(decoded.error, from);
    const req = decoded.packet;
    if (req.op !== BOOTREQUEST) return;
    const type = optionData(req.options, Opt.MessageType)?.[0];
    // On 67 only DISCOVERs matter: the client's REQUEST there is for the address server.
    const wanted = via === 'dhcp' ? type === MessageType.Discover : type === MessageType.Request || type === MessageType.Inform;
    if (!wanted) return;
    const client = readClientInfo(req);
    if (!client.pxeClient && !client.httpClient) return; // ordinary DHCP: not ours to answer

    if ((await o.decide(client.mac, client)) === 'ignore') {
      o.onEvent?.({ kind: 'boot-ignored', mac: client.mac, client, reason: 'netboot is off for this node' });
      return;
    }
    const answer = chooseBoot(client, o.boot);
    if (answer.kind === 'none') {
      o.log.info('proxyDHCP: no boot answer', { mac: client.mac, reason: answer.reason });
      o.onEvent?.({ kind: 'boot-ignored', mac: client.mac, client, reason: answer.reason });
      return;
    }
    const reply = buildProxyReply({
      request: req,
      answer,
      serverAddress: o.boot.serverAddress,
      type: via === 'dhcp' ? MessageType.Offer : MessageType.Ack,
    });
    const [socket, port, address] =
      via === 'dhcp' ? [dhcpSocket, ...offerDestination(req, ports, o.broadcastAddress)] as const : [pxeSocket, rinfo.port, rinfo.address] as const;
    await sendTo(socket, encodePacket(reply), port, address);
    const bootFile = answer.kind === 'tftp' ? answer.file : answer.url;
    o.onEvent?.({ kind: 'boot-offer', mac: client.mac, client, bootFile, via, to: `${address}:${port}` });
  };

  const listen = (socket: Socket, via: 'dhcp' | 'pxe') => {
    socket.on('message', (msg, rinfo) => {
      handle(msg, rinfo, via).catch((err: unknown) =>
        o.log.error('proxyDHCP: failed to answer', { from: rinfo.address, error: err instanceof Error ? err.message : String(err) }),
      );
    });
    // A send error on a UDP socket (e.g. network unreachable) must not end the service.
    socket.on('error', (err) => o.log.warn('proxyDHCP: socket error', { error: err.message, via }));
  };
  listen(dhcpSocket, 'dhcp');
  listen(pxeSocket, 'pxe');
  o.log.info('proxyDHCP listening', { device: o.device, server: o.boot.serverAddress, ports });

  return {
    ports,
    get dropped() {
      return drops.dropped;
    },
    stop: async () => {
      await Promise.all([dhcpSocket, pxeSocket].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}

/**
 * RFC 2131 §4.1: through a relay, answer the relay on the server port; a client that already has
 * an address and did not ask for broadcast gets unicast; everyone else gets a broadcast, since a
 * client without an address cannot answer ARP.
 */
export function offerDestination(req: DhcpPacket, ports: DhcpPorts, broadcastAddress = '255.255.255.255'): [number, string] {
  if (req.giaddr !== '0.0.0.0') return [ports.server, req.giaddr];
  if (req.ciaddr !== '0.0.0.0' && !(req.flags & BROADCAST_FLAG)) return [ports.client, req.ciaddr];
  return [ports.client, broadcastAddress];
}
