/**
 * Ties a dgram socket to one network interface with SO_BINDTODEVICE, through the small N-API
 * addon in native/bind-device. Node's dgram has no such option and no IP_PKTINFO, and without it a
 * responder on 0.0.0.0:67 hears every interface's broadcasts and cannot tell them apart.
 */
import type { Socket } from 'node:dgram';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { nativeAddon, socketFd } from '../../native/addon';

interface BindDeviceAddon {
  bindToDevice(fd: number, ifname: string): void;
}

function loadAddon(): BindDeviceAddon | Error {
  const addon = nativeAddon();
  if (addon instanceof Error) return addon;
  return typeof addon.bindToDevice === 'function' ? (addon as unknown as BindDeviceAddon) : new Error('the native addon has no bindToDevice');
}

export function canBindToDevice(): boolean {
  return process.platform === 'linux' && !(loadAddon() instanceof Error);
}

export function bindSocketToDevice(socket: Socket, ifname: string): void {
  const addon = loadAddon();
  if (addon instanceof Error) {
    throw new RackpilotError(ErrorCode.InterfaceUnavailable, `Cannot keep DHCP on interface ${ifname}: ${addon.message}.`);
  }
  try {
    const fd = socketFd(socket);
    if (fd < 0) throw new Error('cannot read the socket file descriptor (socket not bound?)');
    addon.bindToDevice(fd, ifname);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === 'ENODEV'
        ? `there is no interface named ${ifname}`
        : code === 'EPERM'
          ? 'binding a socket to an interface needs root or CAP_NET_RAW (sudo setcap cap_net_raw,cap_net_bind_service=+ep $(which node))'
          : err instanceof Error
            ? err.message
            : String(err);
    throw new RackpilotError(ErrorCode.InterfaceUnavailable, `Cannot keep DHCP on interface ${ifname}: ${why}.`);
  }
}
