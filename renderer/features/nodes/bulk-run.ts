/** A bulk run started from the node table, as the results panel follows it. */
import type { RecipeInfo } from '../../../shared/domain/recipe';

export interface BulkTarget {
  id: string;
  name: string;
}

export type BulkRun =
  | { kind: 'command'; jobId: string; command: string; sudo: boolean; nodes: BulkTarget[] }
  | { kind: 'recipe'; recipe: RecipeInfo; checkOnly: boolean; runs: { nodeId: string; name: string; jobId: string }[] };

/** "r720-01, r720-02, dl380-01 and 9 more" */
export function namesSummary(nodes: readonly { name: string }[], show = 4): string {
  if (nodes.length <= show + 1) return nodes.map((n) => n.name).join(', ');
  return `${nodes.slice(0, show).map((n) => n.name).join(', ')} and ${(nodes.length - show).toLocaleString('en-US')} more`;
}

export const nodesLabel = (n: number) => `${n.toLocaleString('en-US')} node${n === 1 ? '' : 's'}`;

/** A per-node timeout typed in minutes → milliseconds (the contract allows 1 s to 24 h). */
export function parseTimeoutMinutes(text: string): { ms: number } | { error: string } {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return { error: 'Timeout is a number of minutes, e.g. 10' };
  const ms = Math.round(Number(t) * 60_000);
  if (ms < 1000 || ms > 24 * 3600 * 1000) return { error: 'Timeout is between 0.02 minutes (1 second) and 1440 minutes (a day)' };
  return { ms };
}
