/**
 * Stacks per target (a node or `local`): `stacks.list` fetched when the Stacks page shows a
 * target, kept fresh from `stacks.changed`; the template catalog, fetched once; and the image pull
 * progress of deploy jobs from `stacks.pull`. Followed lazily (the Stacks page subscribes on its
 * first visit) and reloaded after a reconnect, when events may have been missed.
 */
import { create } from 'zustand';
import type { Events } from '../../shared/contract';
import type { ImagePullProgress, StackSummary, StackTemplate } from '../../shared/domain/stack';
import { errorMessage, rpc } from '../rpc/api';
import { onReconnected, subscribeOnce } from './follow';

export interface StackList {
  stacks: StackSummary[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
}

interface StacksStore {
  /** Lists by target id, for the targets someone has looked at. */
  lists: Record<string, StackList>;
  templates: StackTemplate[] | null;
  /** Bumped per `<target>/<name>` on `stacks.changed`, so an open stack view knows to refetch. */
  revisions: Record<string, number>;
  /** Pull progress by job id, then by image. */
  pulls: Record<string, Record<string, ImagePullProgress>>;
}

export const useStacks = create<StacksStore>()(() => ({ lists: {}, templates: null, revisions: {}, pulls: {} }));

export const stackKey = (nodeId: string, name: string) => `${nodeId}/${name}`;

/** Records one pull progress event (pure; exported for tests). */
export function applyPull(pulls: StacksStore['pulls'], p: ImagePullProgress): StacksStore['pulls'] {
  return { ...pulls, [p.jobId]: { ...pulls[p.jobId], [p.image]: p } };
}

function onStacksChanged(change: Events['stacks.changed']): void {
  const key = stackKey(change.nodeId, change.name);
  useStacks.setState((s) => ({ revisions: { ...s.revisions, [key]: (s.revisions[key] ?? 0) + 1 } }));
  if (useStacks.getState().lists[change.nodeId]) void loadStacks(change.nodeId);
}

function onPull(p: ImagePullProgress): void {
  useStacks.setState((s) => ({ pulls: applyPull(s.pulls, p) }));
}

/** Subscribes to the stacks events once; safe to call on every visit of the page. */
export function followStacks(): void {
  subscribeOnce('stacks.changed', 'stacks.changed', onStacksChanged);
  subscribeOnce('stacks.pull', 'stacks.pull', onPull);
  if (!reconnectHooked) {
    reconnectHooked = true;
    onReconnected(() => {
      for (const nodeId of Object.keys(useStacks.getState().lists)) void loadStacks(nodeId);
    });
  }
}
let reconnectHooked = false;

/** Fetches the stacks on one target; an earlier list stays shown while it loads. */
export async function loadStacks(nodeId: string): Promise<void> {
  useStacks.setState((s) => (s.lists[nodeId] ? s : { lists: { ...s.lists, [nodeId]: { stacks: [], status: 'loading', error: null } } }));
  try {
    const stacks = await rpc().call('stacks.list', { nodeId });
    setList(nodeId, { stacks, status: 'ready', error: null });
  } catch (err) {
    setList(nodeId, { stacks: useStacks.getState().lists[nodeId]?.stacks ?? [], status: 'error', error: errorMessage(err) });
  }
}

function setList(nodeId: string, list: StackList): void {
  useStacks.setState((s) => ({ lists: { ...s.lists, [nodeId]: list } }));
}

/** Puts a summary the caller just got back (e.g. after a service action) into its list. */
export function upsertStackSummary(summary: StackSummary): void {
  useStacks.setState((s) => {
    const list = s.lists[summary.nodeId];
    if (!list) return s;
    const others = list.stacks.filter((x) => x.name !== summary.name);
    const stacks = [...others, summary].sort((a, b) => a.name.localeCompare(b.name));
    return { lists: { ...s.lists, [summary.nodeId]: { ...list, stacks } } };
  });
}

export async function loadTemplates(): Promise<StackTemplate[]> {
  const have = useStacks.getState().templates;
  if (have) return have;
  const templates = await rpc().call('stacks.templates', {});
  useStacks.setState({ templates });
  return templates;
}

/** Forgets the pull progress of a job nobody shows any more. */
export function dropPulls(jobId: string): void {
  useStacks.setState((s) => {
    if (!s.pulls[jobId]) return s;
    const { [jobId]: _dropped, ...rest } = s.pulls;
    return { pulls: rest };
  });
}
