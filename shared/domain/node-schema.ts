/** What may be typed into a node's fields: one zod rule per field, shared by the form and the core. */
import { z } from 'zod';
import { checkAddress, normaliseMac } from './net';
import { DEFAULT_SSH_USER, NODE_ROLES } from './node';

export const macSchema = z.string().transform((value, ctx) => {
  const result = normaliseMac(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  }
  return result.mac;
});

const addressSchema = z.string().transform((value, ctx) => {
  if (value.trim() === '') return '';
  const result = checkAddress(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  }
  return result.address;
});

const nameSchema = z
  .string()
  .trim()
  .min(1, 'Name is required')
  .max(63, 'Name is at most 63 characters (it becomes the host name)')
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i,
    'Name may use letters, digits and inner hyphens only (it becomes the host name), e.g. r720-01',
  );

const tagSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[\w.:/-]+$/, 'Tags use letters, digits and . _ - : / only, no spaces');

/** Each field's rule, without defaults, so create and update share one source of truth. */
const nodeFields = {
  name: nameSchema,
  mac: macSchema,
  address: addressSchema,
  sshUser: z
    .string()
    .trim()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'SSH user must be a Linux user name, e.g. rackpilot'),
  sshPort: z.number().int().min(1, 'Port is 1-65535').max(65535, 'Port is 1-65535'),
  role: z.enum(NODE_ROLES),
  tags: z
    .array(tagSchema)
    .max(32, 'At most 32 tags')
    .transform((tags) => [...new Set(tags.map((t) => t.toLowerCase()))]),
  notes: z.string().max(4000, 'Notes are at most 4000 characters'),
};

/** What a person fills in to add a node; the core adds id, state and timestamps. */
export const nodeInputSchema = z.object({
  name: nodeFields.name,
  mac: nodeFields.mac,
  address: nodeFields.address.default(''),
  sshUser: nodeFields.sshUser.default(DEFAULT_SSH_USER),
  sshPort: nodeFields.sshPort.default(22),
  role: nodeFields.role.default('unassigned'),
  tags: nodeFields.tags.default([]),
  notes: nodeFields.notes.default(''),
});
export type NodeInput = z.input<typeof nodeInputSchema>;
export type NodeFields = z.output<typeof nodeInputSchema>;

/** An edit: only the fields given change (no defaults here, or an edit would reset fields). */
export const nodeChangesSchema = z.object({
  name: nodeFields.name.optional(),
  mac: nodeFields.mac.optional(),
  address: nodeFields.address.optional(),
  sshUser: nodeFields.sshUser.optional(),
  sshPort: nodeFields.sshPort.optional(),
  role: nodeFields.role.optional(),
  tags: nodeFields.tags.optional(),
  notes: nodeFields.notes.optional(),
});
export type NodeChanges = z.output<typeof nodeChangesSchema>;

export const nodeIdSchema = z.string().min(1).max(64);
