/**
 * The boot configuration form's model: the config as text fields, turned back into a
 * `boot.configure` change; and the core's field errors (details.issues paths such as
 * ['serverAddress'] or ['ports', 'http']) mapped onto the fields.
 */
import type { BootConfig, LocalBootMethod, NetworkInterfaceInfo } from '../../../shared/domain/boot';
import { formErrorsFromCore, type FormErrors } from '../../rpc/form-errors';

export interface BootForm {
  mode: BootConfig['mode'];
  /** `${interfaceName}|${serverAddress}`, or '' when not chosen. */
  network: string;
  ports: { http: string; tftp: string; dhcp: string; proxy: string };
  localBoot: LocalBootMethod;
  ipxeFolder: string;
  autoEnrol: boolean;
  pool: { start: string; end: string; subnetMask: string; router: string; dns: string; leaseSeconds: string };
  forceDhcp: boolean;
}

/** Where an error is shown: the issue path's first one or two parts, e.g. `ports.http`. */
export type FieldKey =
  | 'mode'
  | 'network'
  | `ports.${keyof BootForm['ports']}`
  | 'localBoot'
  | 'ipxeFolder'
  | 'autoEnrol'
  | `dhcpPool.${keyof BootForm['pool']}`
  | 'forceDhcp';
export type FieldErrors = Partial<Record<FieldKey, string>>;

export const networkValue = (interfaceName: string, address: string) => (address ? `${interfaceName}|${address}` : '');

export function formFromConfig(c: BootConfig): BootForm {
  const pool = c.dhcpPool;
  return {
    mode: c.mode,
    network: networkValue(c.interfaceName, c.serverAddress),
    ports: { http: String(c.ports.http), tftp: String(c.ports.tftp), dhcp: String(c.ports.dhcp), proxy: String(c.ports.proxy) },
    localBoot: c.localBoot,
    ipxeFolder: c.ipxeFolder ?? '',
    autoEnrol: c.autoEnrol,
    pool: {
      start: pool?.start ?? '',
      end: pool?.end ?? '',
      subnetMask: pool?.subnetMask ?? '255.255.255.0',
      router: pool?.router ?? '',
      dns: pool?.dns.join(', ') ?? '',
      leaseSeconds: String(pool?.leaseSeconds ?? 3600),
    },
    forceDhcp: c.forceDhcp,
  };
}

/** The addresses to offer: every IPv4 address of every interface, plus the saved one if it is gone. */
export function networkChoices(interfaces: readonly NetworkInterfaceInfo[], config: BootConfig): { value: string; label: string }[] {
  const choices = interfaces.flatMap((i) =>
    i.addresses.map((a) => ({ value: networkValue(i.name, a.address), label: `${a.address} on ${i.name} (${a.cidr})` })),
  );
  const saved = networkValue(config.interfaceName, config.serverAddress);
  if (saved && !choices.some((c) => c.value === saved)) {
    choices.unshift({ value: saved, label: `${config.serverAddress} on ${config.interfaceName || '?'} (not on this machine now)` });
  }
  return choices;
}

function parsePort(text: string, key: FieldKey, errors: FieldErrors): number {
  const t = text.trim();
  if (!/^\d{1,5}$/.test(t) || Number(t) < 1 || Number(t) > 65535) errors[key] = 'Port is 1-65535';
  return Number(t) || 0;
}

/** The form as a `boot.configure` change. Numbers that are not numbers are reported here, not sent. */
export function toChanges(f: BootForm): { changes: Partial<BootConfig>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const [interfaceName = '', serverAddress = ''] = f.network ? f.network.split('|') : [];
  const ports = {
    http: parsePort(f.ports.http, 'ports.http', errors),
    tftp: parsePort(f.ports.tftp, 'ports.tftp', errors),
    dhcp: parsePort(f.ports.dhcp, 'ports.dhcp', errors),
    proxy: parsePort(f.ports.proxy, 'ports.proxy', errors),
  };
  const changes: Partial<BootConfig> = {
    mode: f.mode,
    interfaceName,
    serverAddress,
    ports,
    localBoot: f.localBoot,
    ipxeFolder: f.ipxeFolder.trim() === '' ? null : f.ipxeFolder.trim(),
    autoEnrol: f.autoEnrol,
    forceDhcp: f.mode === 'dhcp' && f.forceDhcp,
  };
  // The pool matters only in full DHCP mode; in proxy mode the saved one is kept as it is.
  if (f.mode === 'dhcp') {
    const lease = f.pool.leaseSeconds.trim();
    if (!/^\d+$/.test(lease)) errors['dhcpPool.leaseSeconds'] = 'Lease time is a whole number of seconds (60 or more)';
    changes.dhcpPool = {
      start: f.pool.start.trim(),
      end: f.pool.end.trim(),
      subnetMask: f.pool.subnetMask.trim(),
      router: f.pool.router.trim(),
      dns: f.pool.dns.split(',').map((d) => d.trim()).filter(Boolean),
      leaseSeconds: Number(lease) || 0,
    };
  }
  return { changes, errors };
}

export function fieldOfPath(path: readonly unknown[]): FieldKey | null {
  const [first, second] = path;
  if (first === 'serverAddress' || first === 'interfaceName') return 'network';
  if (first === 'ports' && (second === 'http' || second === 'tftp' || second === 'dhcp' || second === 'proxy')) return `ports.${second}`;
  if (first === 'dhcpPool') {
    const field = second === undefined ? 'start' : second;
    if (field === 'start' || field === 'end' || field === 'subnetMask' || field === 'router' || field === 'dns' || field === 'leaseSeconds') {
      return `dhcpPool.${field}`;
    }
    return null;
  }
  if (first === 'mode' || first === 'localBoot' || first === 'ipxeFolder' || first === 'autoEnrol' || first === 'forceDhcp') return first;
  return null;
}

/** Splits a core error into per-field messages and a message for the top of the form. */
export function errorsFromCore(err: unknown): FormErrors<FieldKey> {
  return formErrorsFromCore(err, fieldOfPath);
}

/** The first field with an error, in the order the form shows them (for focus). */
export const FIELD_ORDER: readonly FieldKey[] = [
  'mode',
  'network',
  'ports.http',
  'ports.tftp',
  'ports.dhcp',
  'ports.proxy',
  'localBoot',
  'ipxeFolder',
  'autoEnrol',
  'dhcpPool.start',
  'dhcpPool.end',
  'dhcpPool.subnetMask',
  'dhcpPool.router',
  'dhcpPool.dns',
  'dhcpPool.leaseSeconds',
  'forceDhcp',
];
