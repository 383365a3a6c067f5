/** The install timeout field: text typed by a person → whole minutes the core accepts, or why not. */
import { settingsSchema } from '../../../shared/domain/settings';

// The bounds come from the shared schema, so the form and the core cannot disagree.
const minutes = settingsSchema.shape.installTimeoutMinutes;

export function parseInstallTimeout(text: string): { minutes: number } | { error: string } {
  const trimmed = text.trim();
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!minutes.safeParse(value).success) return { error: `Enter whole minutes from ${minutes.minValue ?? 1} to ${minutes.maxValue ?? 1440}.` };
  return { minutes: value };
}
