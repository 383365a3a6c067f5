/** "Create nodes": how many, which firmware, and how big; checked here with the core's schema. */
import { useRef, useState } from 'react';
import { VM_LIMITS, type VlabNetworkMode, type VlabStatus, type VmFirmware } from '../../../shared/domain/vlab';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { Field } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { rpc } from '../../rpc/api';
import { upsertVirtualNode } from '../../stores/vlab';
import { CREATE_FIELDS, createErrorsFromCore, DEFAULT_CREATE_FORM, toCreateInput, type CreateField, type CreateForm } from './form';

const FIRMWARE_LABEL: Record<VmFirmware, string> = { bios: 'BIOS (SeaBIOS + iPXE)', uefi: 'UEFI (OVMF)' };

export function CreateNodesDialog({ status, onClose }: { status: VlabStatus; onClose: () => void }) {
  const [form, setForm] = useState<CreateForm>(DEFAULT_CREATE_FORM);
  const bridgedOk = status.network.bridged?.available === true;
  const [network, setNetwork] = useState<VlabNetworkMode>(bridgedOk && status.network.mode === 'bridged' ? 'bridged' : 'rootless');
  const [errors, setErrors] = useState<Partial<Record<CreateField, string>>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const set = <K extends CreateField>(key: K, value: CreateForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const focusFirstError = (found: Partial<Record<CreateField, string>>) => {
    const first = CREATE_FIELDS.find((f) => found[f]);
    if (first) requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus());
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setGeneral(null);
    const checked = toCreateInput(form);
    if (!checked.input) {
      setErrors(checked.errors);
      focusFirstError(checked.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const created = await rpc().call('vlab.create', { ...checked.input, network });
      created.forEach(upsertVirtualNode);
      onClose();
    } catch (err) {
      const found = createErrorsFromCore(err);
      setErrors(found.fields);
      setGeneral(found.general);
      focusFirstError(found.fields);
      setBusy(false);
    }
  };

  // Text inputs like the other forms' numbers (ports): the schema, not the browser, says what is wrong.
  const numberField = (key: 'count' | 'memoryMb' | 'cpus' | 'diskGb', label: string, hint: string) => (
    <Field id={`vm-${key}`} name={key} label={label} error={errors[key]} hint={hint}>
      {(control) => (
        <input {...control} type="text" inputMode="numeric" value={form[key]} onChange={(e) => set(key, e.target.value)} autoComplete="off" required />
      )}
    </Field>
  );

  return (
    <Dialog title="Create nodes" onClose={onClose} className="dialog-form">
      <form ref={formRef} onSubmit={submit} noValidate>
        <FormError message={general} />
        <div className="form-grid">
          {numberField('count', 'How many', `${VM_LIMITS.count.min} to ${VM_LIMITS.count.max}`)}
          <Field id="vm-namePrefix" name="namePrefix" label="Name prefix" error={errors.namePrefix} hint={`Named ${form.namePrefix.trim() || 'vnode'}-01, -02, …`}>
            {(control) => <input {...control} type="text" value={form.namePrefix} onChange={(e) => set('namePrefix', e.target.value)} autoComplete="off" spellCheck={false} />}
          </Field>
          <Field id="vm-firmware" name="firmware" label="Firmware" error={errors.firmware} hint={status.firmwares[form.firmware] ? undefined : `${FIRMWARE_LABEL[form.firmware]} firmware is not installed here`}>
            {(control) => (
              <select {...control} value={form.firmware} onChange={(e) => set('firmware', e.target.value as VmFirmware)}>
                {(['bios', 'uefi'] as const).map((f) => (
                  <option key={f} value={f}>
                    {FIRMWARE_LABEL[f]}
                    {status.firmwares[f] ? '' : ' — not installed'}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {numberField('memoryMb', 'Memory (MiB)', 'iPXE alone needs 256; the live lab image about 2048')}
          {numberField('cpus', 'CPUs', `${VM_LIMITS.cpus.min} to ${VM_LIMITS.cpus.max}`)}
          {numberField('diskGb', 'Disk (GiB)', 'Sparse: it takes only what the node writes')}
          {bridgedOk && (
            <Field id="vm-network" label="Network" hint={network === 'bridged' ? status.network.bridged?.bootTakeover : 'QEMU user networking; SSH through a forwarded port'}>
              {(control) => (
                <select {...control} value={network} onChange={(e) => setNetwork(e.target.value as VlabNetworkMode)}>
                  <option value="rootless">Rootless</option>
                  <option value="bridged">Bridged (lab bridge, {status.network.bridged?.router === 'home-router' ? 'home LAN: router + proxyDHCP' : 'isolated lab: full DHCP'})</option>
                </select>
              )}
            </Field>
          )}
        </div>
        <DialogActions onCancel={onClose}>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create'}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
