/** Turns anything a handler throws into a wire error a person can act on. */
import { ZodError } from 'zod';
import { ErrorCode, RackpilotError, type FieldErrorDetails } from '../../../shared/errors';
import type { WireError } from '../../../shared/protocol';

export function zodToRackpilot(err: ZodError, what: string): RackpilotError {
  const issues = err.issues.map((i) => ({
    path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
    message: i.message,
  }));
  const first = issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  const details: FieldErrorDetails = { issues };
  return new RackpilotError(
    ErrorCode.Validation,
    `Invalid input for ${what}: ${where}${first?.message ?? 'malformed'}${more}`,
    details,
  );
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR');
}

/**
 * Maps an error to a wire error. Unexpected errors keep their stack in the server log only; the
 * client gets a reference it can quote.
 */
export function toWireError(err: unknown, method: string, onUnexpected: (err: unknown, ref: string) => void): WireError {
  if (err instanceof RackpilotError) {
    return err.details === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, details: err.details };
  }
  if (err instanceof ZodError) return toWireError(zodToRackpilot(err, method), method, onUnexpected);
  if (isAbortError(err)) return { code: ErrorCode.Cancelled, message: `${method} was cancelled` };
  const ref = Math.random().toString(36).slice(2, 10);
  onUnexpected(err, ref);
  return {
    code: ErrorCode.Internal,
    message: `Rackpilot hit an internal error while running ${method}. Nothing was lost; the details are in the server log under reference ${ref}.`,
  };
}
