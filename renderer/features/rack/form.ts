/**
 * The "Create nodes" form: text fields turned into `vlab.create` input, checked with the same
 * zod schema the core uses (so the messages are the core's), and the core's own issue paths
 * mapped back onto the fields.
 */
import { vlabCreateInput, VM_LIMITS, type VlabCreateInput, type VmFirmware } from '../../../shared/domain/vlab';
import { formErrorsFromCore, type FormErrors } from '../../rpc/form-errors';

export interface CreateForm {
  count: string;
  firmware: VmFirmware;
  memoryMb: string;
  cpus: string;
  diskGb: string;
  namePrefix: string;
}

export type CreateField = keyof CreateForm;
export const CREATE_FIELDS: readonly CreateField[] = ['count', 'firmware', 'memoryMb', 'cpus', 'diskGb', 'namePrefix'];

export const DEFAULT_CREATE_FORM: CreateForm = {
  count: '1',
  firmware: 'bios',
  memoryMb: String(VM_LIMITS.memoryMb.default),
  cpus: String(VM_LIMITS.cpus.default),
  diskGb: String(VM_LIMITS.diskGb.default),
  namePrefix: 'vnode',
};

const NOT_A_NUMBER: Record<'count' | 'memoryMb' | 'cpus' | 'diskGb', string> = {
  count: `How many nodes: a whole number from ${VM_LIMITS.count.min} to ${VM_LIMITS.count.max}`,
  memoryMb: 'Memory is a whole number of MiB, e.g. 2048',
  cpus: `CPUs: a whole number from ${VM_LIMITS.cpus.min} to ${VM_LIMITS.cpus.max}`,
  diskGb: 'Disk size is a whole number of GiB, e.g. 20',
};

export function fieldOfPath(path: readonly unknown[]): CreateField | null {
  const first = path[0];
  return typeof first === 'string' && (CREATE_FIELDS as readonly string[]).includes(first) ? (first as CreateField) : null;
}

/** The form as `vlab.create` input, or the errors to show beside its fields. */
export function toCreateInput(f: CreateForm): { input: VlabCreateInput; errors: null } | { input: null; errors: Partial<Record<CreateField, string>> } {
  const errors: Partial<Record<CreateField, string>> = {};
  const num = (key: keyof typeof NOT_A_NUMBER): number => {
    const t = f[key].trim();
    if (!/^\d+$/.test(t)) errors[key] = NOT_A_NUMBER[key];
    return Number(t);
  };
  const raw = { count: num('count'), firmware: f.firmware, memoryMb: num('memoryMb'), cpus: num('cpus'), diskGb: num('diskGb'), namePrefix: f.namePrefix.trim() || 'vnode' };
  const parsed = vlabCreateInput.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOfPath(issue.path);
      if (field) errors[field] ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { input: null, errors };
  return { input: parsed.data, errors: null };
}

export function createErrorsFromCore(err: unknown): FormErrors<CreateField> {
  return formErrorsFromCore(err, fieldOfPath);
}
