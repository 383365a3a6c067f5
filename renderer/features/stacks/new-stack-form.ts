/** The "New stack" form: its checks before anything is sent, and the blank stack's first file (pure). */
import { stackNameSchema, type StackTemplate } from '../../../shared/domain/stack';

export const BLANK = 'blank';

/** A blank stack starts with a file that says what goes where, rather than an empty editor. */
export const BLANK_COMPOSE = `# compose.yaml: the services of this stack, as docker compose reads them.
services:
  app:
    image: nginx:1.27
    ports:
      - "8080:80"
    restart: unless-stopped
`;

export interface NewStackErrors {
  name?: string;
  /** By variable name. */
  values: Record<string, string>;
}

export function checkNewStack(
  name: string,
  existing: readonly string[],
  template: StackTemplate | null,
  values: Record<string, string>,
): NewStackErrors | null {
  const errors: NewStackErrors = { values: {} };
  const parsed = stackNameSchema.safeParse(name);
  if (!parsed.success) errors.name = name ? (parsed.error.issues[0]?.message ?? 'Not a valid stack name') : 'Enter a name for the stack';
  else if (existing.includes(name)) errors.name = `A stack named ${name} already exists here: choose another name`;
  for (const v of template?.variables ?? []) {
    if (v.required && !(values[v.name] ?? '').trim()) errors.values[v.name] = `${v.label} is required`;
  }
  return errors.name || Object.keys(errors.values).length > 0 ? errors : null;
}

/** The values a template starts with: its defaults. */
export function defaultValues(template: StackTemplate | null): Record<string, string> {
  return Object.fromEntries((template?.variables ?? []).map((v) => [v.name, v.default]));
}
