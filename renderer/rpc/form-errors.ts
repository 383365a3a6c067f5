/**
 * The core rejects bad input with a RackpilotError whose details.issues name the offending input
 * by path (['mac'], ['changes', 'userData'], ['ports', 'http'] …). Every form shows those next to
 * its own fields; only the path → field mapping differs per form.
 */
import { RackpilotError } from '../../shared/errors';
import { errorMessage } from './api';

export interface CoreIssue {
  /** [] when the issue carries no path. */
  path: readonly unknown[];
  /** null when the issue carries no message of its own. */
  message: string | null;
}

export interface FormErrors<F extends string> {
  fields: Partial<Record<F, string>>;
  /** For the top of the form: issues no field owns, or the error itself when nothing else fits. */
  general: string | null;
}

/** The validation issues of a core error; [] for any other error. */
export function coreIssues(err: unknown): CoreIssue[] {
  const issues = err instanceof RackpilotError ? (err.details as { issues?: { path?: unknown; message?: unknown }[] } | undefined)?.issues : undefined;
  return (Array.isArray(issues) ? issues : []).map((issue) => ({
    path: Array.isArray(issue.path) ? issue.path : [],
    message: typeof issue.message === 'string' ? issue.message : null,
  }));
}

/** Splits a core error into per-field messages (the first per field wins) and a general one. */
export function formErrorsFromCore<F extends string>(err: unknown, fieldOfPath: (path: readonly unknown[]) => F | null): FormErrors<F> {
  const fields: Partial<Record<F, string>> = {};
  let general: string | null = null;
  const message = errorMessage(err);
  for (const issue of coreIssues(err)) {
    const field = fieldOfPath(issue.path);
    const text = issue.message ?? message;
    if (field) fields[field] ??= text;
    else general ??= text;
  }
  if (Object.keys(fields).length === 0 && general === null) general = message;
  return { fields, general };
}
