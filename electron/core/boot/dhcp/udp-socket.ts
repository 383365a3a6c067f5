/**
 * Opens the UDP sockets DHCP listens on, tied to the lab interface, and turns the ways that can
 * fail into errors that say what to do.
 */
import { createSocket, type Socket } from 'node:dgram';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { bindSocketToDevice } from './bind-device';
import { whoHoldsUdpPort } from './port-holder';

export interface DhcpSocketOptions {
  port: number;
  /** Local address to bind; DHCP needs 0.0.0.0 to hear broadcasts from clients without an address. */
  bindAddress?: string;
  /** Interface to tie the socket to; null only for loopback tests and single-interface hosts. */
  device: string | null;
  /**
   * SO_REUSEADDR, so several device-bound sockets can share the port (one per lab interface).
   * Off by default: with it, Linux would also let us share the port with another DHCP daemon
   * that set it too, and we would never learn that dnsmasq already owns port 67.
   */
  shared?: boolean;
}

/** Receive buffer asked for on DHCP sockets (see the boot-storm bench). */
const RECV_BUFFER_BYTES = 2 * 1024 * 1024;

export async function openDhcpSocket(o: DhcpSocketOptions): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', reuseAddr: o.shared ?? false });
  const bindAddress = o.bindAddress ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(portError(err as NodeJS.ErrnoException, o.port, bindAddress));
    socket.once('error', onError);
    socket.bind({ port: o.port, address: bindAddress }, () => {
      socket.off('error', onError);
      resolve();
    });
  }).catch((err: unknown) => {
    socket.close();
    throw err;
  });
  try {
    // Done right after bind, before the event loop can hand us any datagram from elsewhere.
    if (o.device) bindSocketToDevice(socket, o.device);
    socket.setBroadcast(true);
    // A rack powering on at once sends hundreds of DISCOVERs in a burst; the default ~208 KiB
    // buffer dropped a sixth of 200 in the boot-storm bench (each costing that node a 1 s
    // resend). The kernel caps this at net.core.rmem_max, which is fine: more is only better.
    socket.setRecvBufferSize(RECV_BUFFER_BYTES);
  } catch (err) {
    socket.close();
    throw err;
  }
  return socket;
}

function portError(err: NodeJS.ErrnoException, port: number, address: string): Error {
  if (err.code === 'EACCES') {
    return new RackpilotError(
      ErrorCode.PortPrivileged,
      `Listening on UDP port ${port} needs privileges. Run Rackpilot as root, or grant Node the capability: ` +
        `sudo setcap 'cap_net_bind_service,cap_net_raw=+ep' $(which node) — or use a port above 1023 for testing.`,
      { port },
    );
  }
  if (err.code === 'EADDRINUSE') {
    const holder = whoHoldsUdpPort(port);
    return new RackpilotError(
      ErrorCode.PortInUse,
      `UDP port ${port} on ${address} is already in use${holder ? ` by ${holder}` : ' (often dnsmasq, isc-dhcp-server or another PXE tool)'}. ` +
        'Stop that service, or run it on another interface.',
      { port, holder },
    );
  }
  return new RackpilotError(ErrorCode.InterfaceUnavailable, `Cannot listen on UDP ${address}:${port}: ${err.message}`, { port });
}

export function sendTo(socket: Socket, data: Buffer, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => socket.send(data, port, address, (err) => (err ? reject(err) : resolve())));
}
