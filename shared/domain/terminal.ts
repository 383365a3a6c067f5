/**
 * Interactive shells in the app. `terminal.open` is a long-lived request: its progress frames carry
 * the terminal's id and then its output, only to the client that opened it; cancelling the request
 * (or `terminal.close`) closes the SSH channel. Output waits for the client's acks once 256 KiB are
 * in flight, so nothing buffers without bound.
 */
import { z } from 'zod';
import { nodeIdSchema } from './node-schema';

const cols = z.number().int().min(2).max(1000);
const rows = z.number().int().min(1).max(500);
const terminalId = z.string().uuid();

export const terminalOpenInput = z.object({ nodeId: nodeIdSchema, cols, rows }).strict();
export const terminalInputInput = z.object({ terminalId, data: z.string().min(1).max(64 * 1024) }).strict();
export const terminalResizeInput = z.object({ terminalId, cols, rows }).strict();
/** The client has written this many more characters of output to the screen. */
export const terminalAckInput = z.object({ terminalId, chars: z.number().int().min(1).max(1 << 30) }).strict();
export const terminalCloseInput = z.object({ terminalId }).strict();

export type TerminalProgress = { kind: 'opened'; terminalId: string } | { kind: 'data'; data: string };

export interface TerminalClosed {
  terminalId: string;
  /** The shell's exit status, when it exited (null when the channel closed otherwise). */
  exitCode: number | null;
  reason: 'exited' | 'closed' | 'disconnected';
}
