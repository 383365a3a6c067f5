/**
 * Frames on the wire. Every transport (Electron IPC, WebSocket) carries exactly these, so the
 * dispatcher and the renderer client never know which one they are talking over.
 * Plain data only: this file is imported by the renderer and the core alike.
 */
import { z } from 'zod';

/** Largest frame either side accepts, in bytes of JSON. Bigger payloads belong in a job or a file. */
export const MAX_FRAME_BYTES = 1024 * 1024;

export interface WireError {
  code: string;
  message: string;
  details?: unknown;
}

export type Frame =
  | { t: 'req'; id: number; m: string; a: unknown }
  | { t: 'cancel'; id: number }
  | { t: 'progress'; id: number; p: unknown }
  | { t: 'res'; id: number; r: unknown }
  | { t: 'err'; id: number; e: WireError }
  | { t: 'event'; ch: string; d: unknown };

/** What a client may send. The server never accepts progress/res/err/event from a client. */
export type ClientFrame = Extract<Frame, { t: 'req' } | { t: 'cancel' }>;

const requestId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const clientFrameSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('req'), id: requestId, m: z.string().min(1).max(100), a: z.unknown() }),
  z.object({ t: z.literal('cancel'), id: requestId }),
]);

/** Request id used in an `err` frame answering something that had no readable id. */
export const NO_REQUEST_ID = -1;
