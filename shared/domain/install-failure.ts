/**
 * What a `boot.install-failed` event carries when the install watchdog gave up on a node: the
 * evidence a person needs to see why, without leaving the node's timeline. Seed tokens in it are
 * already masked. A plain guard rather than a zod schema: the node timeline that reads it is on
 * the renderer's start-up path, which stays free of zod.
 */

export interface InstallFailureEvent {
  kind: string;
  summary: string;
  ts: string;
}

export interface InstallFailureData {
  /** The `installTimeoutMinutes` setting the install was held to. */
  timeoutMinutes: number;
  /** When the install was armed (ISO). */
  armedAt: string;
  /** The node's last timeline events since it was armed (at most 5), oldest first. */
  lastEvents: InstallFailureEvent[];
  /**
   * Practice-rack nodes: the end of the serial console (about 4 KiB, starting on a whole line),
   * raw — escapes and all, as the console page gets it. Null for other nodes or an empty console.
   */
  consoleTail: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isFailureEvent(v: unknown): v is InstallFailureEvent {
  return isRecord(v) && typeof v.kind === 'string' && typeof v.summary === 'string' && typeof v.ts === 'string';
}

/** Event data is `unknown` on the wire (and older events have none): check before showing it. */
export function isInstallFailureData(v: unknown): v is InstallFailureData {
  return (
    isRecord(v) &&
    typeof v.timeoutMinutes === 'number' &&
    typeof v.armedAt === 'string' &&
    Array.isArray(v.lastEvents) &&
    v.lastEvents.every(isFailureEvent) &&
    (v.consoleTail === null || typeof v.consoleTail === 'string')
  );
}
