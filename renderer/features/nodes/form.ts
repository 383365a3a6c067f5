/**
 * The node form's model: text fields as typed, turned into the API's input; and the core's
 * field errors (details.issues) mapped back onto the fields.
 */
import type { Node } from '../../../shared/domain/node';
import type { NodeInput } from '../../../shared/domain/node-schema';
import { DEFAULT_SSH_USER } from '../../../shared/domain/node';
import { nodeInputSchema } from '../../../shared/domain/node-schema';
import { formErrorsFromCore, type FormErrors } from '../../rpc/form-errors';

export const FORM_FIELDS = ['name', 'mac', 'address', 'sshUser', 'sshPort', 'role', 'tags', 'notes'] as const;
export type FormField = (typeof FORM_FIELDS)[number];
export type FormValues = Record<FormField, string>;
export type FieldErrors = Partial<Record<FormField, string>>;

export function blankForm(): FormValues {
  return { name: '', mac: '', address: '', sshUser: DEFAULT_SSH_USER, sshPort: '22', role: 'unassigned', tags: '', notes: '' };
}

export function formFromNode(n: Node): FormValues {
  return {
    name: n.name,
    mac: n.mac,
    address: n.address,
    sshUser: n.sshUser,
    sshPort: String(n.sshPort),
    role: n.role,
    tags: n.tags.join(', '),
    notes: n.notes,
  };
}

export function splitTags(text: string): string[] {
  return text.split(',').map((t) => t.trim()).filter(Boolean);
}

/** The form as the API's input. A port that is not a whole number is reported here, not sent. */
export function toInput(v: FormValues): { input: NodeInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const portText = v.sshPort.trim();
  if (!/^\d{1,5}$/.test(portText)) errors.sshPort = 'Port is 1-65535';
  const input: NodeInput = {
    name: v.name,
    mac: v.mac,
    address: v.address,
    sshUser: v.sshUser,
    sshPort: Number(portText) || 0,
    role: v.role as NodeInput['role'],
    tags: splitTags(v.tags),
    notes: v.notes,
  };
  return { input, errors };
}

/** Only what changed, so an edit (and its audit entry) names exactly the fields touched. */
export function changesFrom(original: FormValues, v: FormValues, input: NodeInput): Partial<NodeInput> {
  const changes: Partial<Record<FormField, unknown>> = {};
  for (const f of FORM_FIELDS) {
    const same = f === 'tags' ? splitTags(original.tags).join(',') === splitTags(v.tags).join(',') : original[f].trim() === v[f].trim();
    if (!same) changes[f] = input[f];
  }
  return changes as Partial<NodeInput>;
}

/** Field of an issue path: ['mac'], ['changes', 'mac'], ['tags', 2] … */
export function fieldOfPath(path: readonly unknown[]): FormField | null {
  for (const p of path) if ((FORM_FIELDS as readonly unknown[]).includes(p)) return p as FormField;
  return null;
}

/** The same checks the core makes, for feedback before a round trip. */
export function checkLocally(v: FormValues): FieldErrors {
  const { input, errors } = toInput(v);
  const result = nodeInputSchema.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = fieldOfPath(issue.path);
      if (field && !errors[field]) errors[field] = issue.message;
    }
  }
  return errors;
}

/** Splits a core error into per-field messages and a message for the top of the form. */
export function errorsFromCore(err: unknown): FormErrors<FormField> {
  return formErrorsFromCore(err, fieldOfPath);
}
