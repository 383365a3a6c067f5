/**
 * Keeping a stack's secrets out of job logs, job errors, history summaries and the audit log.
 * A secret is a variable the template marked secret, or any variable (Rackpilot's or the .env's)
 * whose name says it holds one. Their values are masked wherever they appear — also inside
 * longer strings they were interpolated into (`postgres://gitea:${DB_PASSWORD}@db`).
 */
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { parseEnvFile } from './compose/env-file';
import { Issues } from './compose/issues';
import type { StoredStack } from './stack-store';

export const MASK = '••••••';

/** Names that hold secrets by convention (GF_SECURITY_ADMIN_PASSWORD, API_TOKEN, …). */
const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
/** Shorter values would mask ordinary words in the logs; no real secret is this short. */
const MIN_SECRET_LENGTH = 3;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The secret values of a stored stack. */
export function secretValues(stack: StoredStack): string[] {
  const marked = new Set(stack.secrets);
  const values: string[] = [];
  for (const [name, value] of Object.entries(stack.files.variables)) if (marked.has(name) || isSecretName(name)) values.push(value);
  for (const entry of parseEnvFile('.env', stack.files.env, new Issues())) if (entry.value !== null && isSecretName(entry.key)) values.push(entry.value);
  return values;
}

export type Redact = (text: string) => string;

/** Masks every occurrence of the values; longest first, so one secret containing another is masked whole. */
export function redactor(values: string[]): Redact {
  const secrets = [...new Set(values.filter((v) => v.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  if (!secrets.length) return (text) => text;
  return (text) => secrets.reduce((out, s) => out.split(s).join(MASK), text);
}

/**
 * The same error with its message masked: a failed job's error is logged and shown to every
 * client, and an engine error can quote the container's configuration.
 */
export function redactError(err: unknown, redact: Redact): unknown {
  if (!(err instanceof Error)) return err;
  const message = redact(err.message);
  if (message === err.message) return err;
  if (err instanceof RackpilotError) return new RackpilotError(err.code, message);
  if (err.name === 'AbortError') return err;
  return new RackpilotError(ErrorCode.Internal, message);
}
