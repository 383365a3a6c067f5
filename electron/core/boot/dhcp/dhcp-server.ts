/**
 * Full DHCP on the lab interface (opt-in, DESIGN §5.2 and §10). Refuses to start when another
 * DHCP server answers there, unless forced; leases live in SQLite and expire.
 */
import type { Logger } from '../../log';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { BOOTREQUEST, decodePacket, encodePacket } from './codec';
import type { DhcpEventSink } from './dhcp-events';
import { respond, type DhcpNetwork, type ResponderContext } from './dhcp-responder';
import { createDropCounter } from './drop-counter';
import type { Reservations } from './address-pool';
import type { LeasesRepo } from './leases-repo';
import { DEFAULT_DHCP_PORTS, type DhcpPorts } from './proxy-dhcp';
import { probeForDhcpServers, type OtherDhcpServer } from './probe';
import { openDhcpSocket, sendTo } from './udp-socket';
import type { BootConfig, DecideBoot } from './boot-choice';

export interface DhcpServerOptions {
  device: string | null;
  /** The lab interface's MAC, used by the probe's DISCOVER. */
  interfaceMac: string;
  net: DhcpNetwork;
  leases: LeasesRepo;
  reservations: Reservations;
  boot?: { config: BootConfig; decide: DecideBoot };
  log: Logger;
  ports?: Partial<DhcpPorts>;
  onEvent?: DhcpEventSink;
  /** Start even if another DHCP server answers. For a user who knows better, never a default. */
  force?: boolean;
  probeTimeoutMs?: number;
  now?: () => number;
  broadcastAddress?: string;
}

export interface DhcpServerService {
  readonly dropped: number;
  /** Servers the probe found (non-empty only when forced). */
  readonly otherServers: OtherDhcpServer[];
  stop(): Promise<void>;
}

const PURGE_INTERVAL_MS = 60_000;

export async function startDhcpServer(o: DhcpServerOptions): Promise<DhcpServerService> {
  const ports = { ...DEFAULT_DHCP_PORTS, ...o.ports };
  const others = await probeForDhcpServers({
    device: o.device,
    mac: o.interfaceMac,
    timeoutMs: o.probeTimeoutMs ?? 4000,
    serverPort: ports.server,
    clientPort: ports.client,
    broadcastAddress: o.broadcastAddress,
  });
  if (others.length > 0) {
    const names = others.map((s) => `${s.serverId}${s.mac ? ` (MAC ${s.mac})` : ''}`).join(', ');
    if (!o.force) {
      throw new RackpilotError(
        ErrorCode.DhcpServerPresent,
        `Another DHCP server answers on ${o.device ?? 'this network'}: ${names}. Rackpilot will not run a second one there. ` +
          'Use proxyDHCP mode (it works beside that server), or turn that server off and try again.',
        { servers: others },
      );
    }
    o.log.warn('full DHCP forced on although another DHCP server answers', { device: o.device, servers: names });
  }

  const socket = await openDhcpSocket({ port: ports.server, device: o.device });
  const drops = createDropCounter(o.log, 'DHCP');
  const now = o.now ?? Date.now;
  const ctx: ResponderContext = {
    net: o.net,
    leases: o.leases,
    reservations: o.reservations,
    ports,
    now,
    ...(o.boot ? { boot: o.boot } : {}),
    ...(o.broadcastAddress ? { broadcastAddress: o.broadcastAddress } : {}),
  };

  socket.on('message', (msg, rinfo) => {
    const decoded = decodePacket(msg);
    if (!decoded.ok) return drops.drop(decoded.error, `${rinfo.address}:${rinfo.port}`);
    if (decoded.packet.op !== BOOTREQUEST) return;
    respond(decoded.packet, ctx)
      .then(async (r) => {
        if (r.event) o.onEvent?.(r.event);
        if (r.bootEvent) o.onEvent?.(r.bootEvent);
        if (r.reply && r.to) await sendTo(socket, encodePacket(r.reply), r.to.port, r.to.address);
      })
      .catch((err: unknown) => o.log.error('DHCP: failed to answer', { from: rinfo.address, error: err instanceof Error ? err.message : String(err) }));
  });
  socket.on('error', (err) => o.log.warn('DHCP: socket error', { error: err.message }));

  const purge = setInterval(() => o.leases.purgeExpired(now()), PURGE_INTERVAL_MS);
  purge.unref();
  o.leases.purgeExpired(now());
  o.log.info('DHCP server listening', { device: o.device, pool: o.net.pool, port: ports.server });

  return {
    otherServers: others,
    get dropped() {
      return drops.dropped;
    },
    stop: async () => {
      clearInterval(purge);
      await new Promise<void>((r) => socket.close(() => r()));
    },
  };
}
