/** Ad-hoc commands on many nodes at once, with one result per node (like `ansible -m raw`). */
import { z } from 'zod';
import type { WireError } from '../protocol';
import { nodeIdSchema } from './node-schema';

export const runCommandInput = z
  .object({
    ids: z.array(nodeIdSchema).min(1).max(5000),
    command: z.string().trim().min(1, 'Enter a command to run').max(64 * 1024),
    /** Run through sudo (passwordless sudo on the node, or with sudoPassword). */
    sudo: z.boolean().default(false),
    /**
     * The sudo password, when the nodes' sudo asks for one. Used for this run only: never stored,
     * logged or echoed (it goes to sudo's stdin).
     */
    sudoPassword: z.string().min(1).max(1024).optional(),
    /** Per node. Default 10 minutes. */
    timeoutMs: z.number().int().min(1000).max(24 * 3600 * 1000).default(600_000),
  })
  .strict();

export type NodeCommandState = 'ok' | 'failed' | 'unreachable' | 'cancelled';

export interface NodeCommandResult {
  nodeId: string;
  name: string;
  /** ok: exit 0; failed: non-zero exit or timeout; unreachable: no SSH connection. */
  state: NodeCommandState;
  exitCode: number | null;
  /** The last part of the output (bounded). */
  stdout: string;
  stderr: string;
  durationMs: number;
  error: WireError | null;
}

/** `job.result` of a `nodes.command` job. */
export interface BulkCommandResult {
  command: string;
  results: NodeCommandResult[];
  summary: Record<NodeCommandState, number>;
}
