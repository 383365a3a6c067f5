/**
 * Mode and network of the boot services. Presentational: the page owns the draft, saves it
 * (`boot.configure`) and passes the core's field errors back in.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { BootConfig, LocalBootMethod, NetworkInterfaceInfo } from '../../../shared/domain/boot';
import { Field, type FieldControlProps } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { ForceDhcpDialog } from './ForceDhcpDialog';
import { networkChoices, type BootForm, type FieldErrors, type FieldKey } from './form';

const LOCAL_BOOT: { value: LocalBootMethod; label: string; help: string }[] = [
  { value: 'exit', label: 'exit', help: 'iPXE exits back to the firmware, which then boots the next device: the disk. Works on most machines.' },
  { value: 'sanboot', label: 'sanboot', help: 'iPXE boots the first disk itself. For firmware where `exit` hangs or loops back into PXE.' },
  { value: '404', label: 'HTTP 404', help: 'The boot script is refused, so the firmware gives up on network boot and tries the next device.' },
];

interface Props {
  values: BootForm;
  config: BootConfig;
  interfaces: NetworkInterfaceInfo[] | null;
  interfacesError: string | null;
  errors: FieldErrors;
  general: string | null;
  dirty: boolean;
  busy: boolean;
  onChange(values: BootForm): void;
  onSubmit(): void;
  onReset(): void;
}

export function BootConfigForm({ values, config, interfaces, interfacesError, errors, general, dirty, busy, onChange, onSubmit, onReset }: Props) {
  const [confirmForce, setConfirmForce] = useState(false);
  const set = <K extends keyof BootForm>(key: K, value: BootForm[K]) => onChange({ ...values, [key]: value });
  const setPort = (key: keyof BootForm['ports'], value: string) => set('ports', { ...values.ports, [key]: value });
  const setPool = (key: keyof BootForm['pool'], value: string) => set('pool', { ...values.pool, [key]: value });
  const choices = networkChoices(interfaces ?? [], config);
  const localHelp = LOCAL_BOOT.find((l) => l.value === values.localBoot)?.help;

  const field = (key: FieldKey, label: string, control: (a11y: FieldControlProps) => ReactNode, hint?: string, className = '') => (
    <Field id={`boot-${key.replace('.', '-')}`} name={key} label={label} error={errors[key]} hint={hint} className={className} hintFirst>
      {control}
    </Field>
  );
  const portInput = (key: keyof BootForm['ports']) => (a: FieldControlProps) => (
    <input {...a} type="text" inputMode="numeric" value={values.ports[key]} onChange={(e) => setPort(key, e.target.value)} />
  );
  const poolInput = (key: keyof BootForm['pool'], placeholder?: string) => (a: FieldControlProps) => (
    <input {...a} type="text" spellCheck={false} placeholder={placeholder} value={values.pool[key]} onChange={(e) => setPool(key, e.target.value)} />
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };

  return (
    <section aria-labelledby="boot-config-title" className="panel">
      <h2 id="boot-config-title">Mode and network</h2>
      <form onSubmit={submit} noValidate aria-labelledby="boot-config-title" className="boot-form">
        <FormError message={general} />
        <fieldset className="mode-choice">
          <legend>Mode</legend>
          <label className="radio-card">
            <input type="radio" name="mode" value="proxy" checked={values.mode === 'proxy'} onChange={() => set('mode', 'proxy')} />
            <span>
              <strong>proxyDHCP</strong> (recommended) — works beside your router’s DHCP server. The router still hands out
              addresses; Rackpilot only adds the boot information that network-booting machines ask for.
            </span>
          </label>
          <label className="radio-card">
            <input type="radio" name="mode" value="dhcp" checked={values.mode === 'dhcp'} onChange={() => set('mode', 'dhcp')} />
            <span>
              <strong>Full DHCP</strong> — Rackpilot hands out the addresses itself. Only for an isolated lab network (its own
              switch or VLAN): it refuses to start when another DHCP server answers there.
            </span>
          </label>
        </fieldset>

        <div className="form-grid">
          {field(
            'network',
            'Lab network address',
            (a) => (
              <select {...a} value={values.network} onChange={(e) => set('network', e.target.value)}>
                <option value="">{interfaces ? 'Choose this machine’s address on the lab network…' : 'Loading interfaces…'}</option>
                {choices.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
            ),
            interfacesError
              ? `Could not list the interfaces: ${interfacesError}`
              : 'The services listen on this address and tell the nodes to fetch from it; replies leave only through its interface.',
            'field-wide',
          )}
          {field('ports.http', 'HTTP port', portInput('http'), 'Scripts, images and seeds; default 8080')}
          {field('ports.tftp', 'TFTP port', portInput('tftp'), 'Default 69 (below 1024 needs a capability)')}
          {field('ports.dhcp', 'DHCP port', portInput('dhcp'), 'Default 67; PXE firmware only asks there')}
          {field('ports.proxy', 'proxyDHCP port', portInput('proxy'), 'Default 4011 (UEFI asks here too)')}
          {field(
            'localBoot',
            'Local boot method',
            (a) => (
              <select {...a} value={values.localBoot} onChange={(e) => set('localBoot', e.target.value as LocalBootMethod)}>
                {LOCAL_BOOT.map((l) => (
                  <option key={l.value} value={l.value}>
                    {l.label}
                  </option>
                ))}
              </select>
            ),
            `How an installed node leaves iPXE to boot its disk. ${localHelp ?? ''}`,
          )}
          {field(
            'ipxeFolder',
            'iPXE folder',
            (a) => (
              <input {...a} type="text" spellCheck={false} placeholder="/usr/lib/ipxe" value={values.ipxeFolder} onChange={(e) => set('ipxeFolder', e.target.value)} />
            ),
            'Optional: searched after the bundled binaries and /usr/lib/ipxe',
          )}
        </div>

        <label className="check">
          <input type="checkbox" checked={values.autoEnrol} onChange={(e) => set('autoEnrol', e.target.checked)} />
          <span>
            <strong>Auto-enrol</strong>: boot unknown machines into a discovery profile. Off: they are only recorded as
            discovered, and boot from their disk.
          </span>
        </label>

        {values.mode === 'dhcp' && (
          <fieldset className="pool">
            <legend>Full DHCP address pool</legend>
            <div className="form-grid">
              {field('dhcpPool.start', 'First address', poolInput('start', '192.168.50.100'))}
              {field('dhcpPool.end', 'Last address', poolInput('end', '192.168.50.199'))}
              {field('dhcpPool.subnetMask', 'Subnet mask', poolInput('subnetMask'))}
              {field('dhcpPool.router', 'Router', poolInput('router', 'optional'))}
              {field('dhcpPool.dns', 'DNS servers', poolInput('dns', '1.1.1.1, 9.9.9.9'), 'Comma separated, up to 4')}
              {field('dhcpPool.leaseSeconds', 'Lease time (seconds)', poolInput('leaseSeconds'))}
            </div>
            <label className="check check-danger">
              <input
                type="checkbox"
                checked={values.forceDhcp}
                onChange={(e) => (e.target.checked ? setConfirmForce(true) : set('forceDhcp', false))}
              />
              <span>Start even if another DHCP server answers on this network (dangerous)</span>
            </label>
          </fieldset>
        )}

        <div className="form-actions">
          {dirty && <span className="muted">Unsaved changes</span>}
          <button type="button" className="btn" disabled={!dirty || busy} onClick={onReset}>
            Discard changes
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save configuration'}
          </button>
        </div>
      </form>
      {confirmForce && <ForceDhcpDialog onClose={() => setConfirmForce(false)} onConfirm={() => set('forceDhcp', true)} />}
    </section>
  );
}
