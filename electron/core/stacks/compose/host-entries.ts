/**
 * Devices (`/dev/ttyUSB0[:/dev/ttyS0[:rwm]]` or `{ source, target, permissions }`) and extra
 * hosts (`host:ip`, `host=ip` or a `host: ip` mapping) in the forms Docker's HostConfig takes.
 */
import type { ComposeService } from './model';
import type { Parsed } from './values';

export type Device = ComposeService['devices'][number];

const PERMISSIONS = /^[rwm]{1,3}$/;

export function parseDeviceLong(source: string, target: string | null | undefined, permissions: string | null | undefined): Parsed<Device> {
  if (!source.startsWith('/')) return { ok: false, error: `device "${source}" must be an absolute host path like /dev/ttyUSB0` };
  const inContainer = target || source;
  if (!inContainer.startsWith('/')) return { ok: false, error: `device target "${inContainer}" must be an absolute path` };
  const perms = permissions || 'rwm';
  if (!PERMISSIONS.test(perms)) return { ok: false, error: `device permissions "${perms}" must be made of r, w and m` };
  return { ok: true, value: { pathOnHost: source, pathInContainer: inContainer, permissions: perms } };
}

/** `/dev/ttyUSB0`, `/dev/ttyUSB0:/dev/ttyS0`, `/dev/sda:/dev/xvda:r`. */
export function parseDevice(spec: string): Parsed<Device> {
  const parts = spec.split(':');
  if (parts.length > 3) return { ok: false, error: `device "${spec}" has too many ":": write HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]]` };
  return parseDeviceLong(parts[0]!, parts[1], parts[2]);
}

/** `host:ip` or `host=ip` (the latter for IPv6 addresses, which contain ":") → Docker's `host:ip`. */
export function parseExtraHost(spec: string): Parsed<string> {
  const sep = spec.includes('=') ? spec.indexOf('=') : spec.indexOf(':');
  const host = sep === -1 ? '' : spec.slice(0, sep).trim();
  const ip = sep === -1 ? '' : spec.slice(sep + 1).trim();
  if (!host || !ip) return { ok: false, error: `extra host "${spec}" must be written HOST:IP or HOST=IP` };
  return { ok: true, value: `${host}:${ip}` };
}
