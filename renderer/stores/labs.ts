/**
 * Guided labs (issue 8): the catalog from `labs.list` and each opened lab from `labs.get`, kept
 * current by `labs.changed` (a run started, checked, moved, reset or stopped — from this window,
 * another one, or a job). Followed lazily (the Labs page subscribes on its first visit) and
 * reloaded after a reconnect, when events may have been missed.
 */
import { create } from 'zustand';
import type { Events } from '../../shared/contract';
import type { LabCatalog, LabDetail, LabRun, LabSummary } from '../../shared/domain/lab';
import { errorMessage, rpc } from '../rpc/api';
import { onReconnected, subscribeOnce } from './follow';

export type LabChange = Events['labs.changed'];

interface LabsStore {
  catalog: LabCatalog | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** Opened labs by id. */
  details: Record<string, LabDetail>;
  detailErrors: Record<string, string>;
  /** The job a lab's page started (practice nodes, reset), by lab id, so it shows again after navigating away. */
  labJobs: Record<string, string>;
}

export const useLabs = create<LabsStore>()(() => ({ catalog: null, status: 'idle', error: null, details: {}, detailErrors: {}, labJobs: {} }));

/** A run's progress as the catalog shows it (the same rule the core uses for labs.list). */
export function progressOfRun(run: LabRun | null): LabSummary['progress'] {
  if (!run) return { started: false, stepsDone: 0, currentStep: 0, completed: false };
  return {
    started: true,
    stepsDone: run.steps.filter((s) => s.completedAt !== null).length,
    currentStep: run.currentStep,
    completed: run.completedAt !== null,
  };
}

/** The catalog with one lab's progress recomputed from its run (pure; exported for tests). */
export function applyRunToCatalog(catalog: LabCatalog, change: LabChange): LabCatalog {
  return { ...catalog, labs: catalog.labs.map((l) => (l.id === change.labId ? { ...l, progress: progressOfRun(change.run) } : l)) };
}

/**
 * Whether a change needs the lab refetched rather than patched: the step texts and the role →
 * node table are filled from the run's nodes, so a run that starts, stops or moves to other nodes
 * changes more than the run itself.
 */
export function needsRefetch(before: LabRun | null, after: LabRun | null): boolean {
  if (!before || !after) return before !== after;
  if (before.startedAt !== after.startedAt) return true;
  const a = Object.entries(before.nodes).sort().join();
  const b = Object.entries(after.nodes).sort().join();
  return a !== b;
}

function onLabChanged(change: LabChange): void {
  const { catalog, details } = useLabs.getState();
  const detail = details[change.labId];
  if (catalog) useLabs.setState({ catalog: applyRunToCatalog(catalog, change) });
  if (!detail) return;
  if (needsRefetch(detail.run, change.run)) {
    void loadLab(change.labId);
    return;
  }
  const summary = { ...detail.summary, progress: progressOfRun(change.run) };
  useLabs.setState((s) => ({ details: { ...s.details, [change.labId]: { ...detail, summary, run: change.run } } }));
}

/** Subscribes to `labs.changed` once; safe to call on every visit of the page. */
export function followLabs(): void {
  subscribeOnce('labs.changed', 'labs.changed', onLabChanged);
  if (!reconnectHooked) {
    reconnectHooked = true;
    onReconnected(() => {
      void loadCatalog();
      for (const id of Object.keys(useLabs.getState().details)) void loadLab(id);
    });
  }
}
let reconnectHooked = false;

/** Fetches the catalog (built-in and the learner's own labs, with broken ones); an earlier one stays shown while it loads. */
export async function loadCatalog(): Promise<void> {
  useLabs.setState((s) => (s.status === 'ready' ? s : { status: 'loading' }));
  try {
    const catalog = await rpc().call('labs.list', {});
    useLabs.setState({ catalog, status: 'ready', error: null });
  } catch (err) {
    useLabs.setState({ status: 'error', error: errorMessage(err) });
  }
}

export async function loadLab(labId: string): Promise<void> {
  try {
    setLabDetail(await rpc().call('labs.get', { labId }));
  } catch (err) {
    useLabs.setState((s) => ({ detailErrors: { ...s.detailErrors, [labId]: errorMessage(err) } }));
  }
}

/** Puts a lab the caller just got back (labs.get/start/goto) into the store, with its catalog entry. */
export function setLabDetail(detail: LabDetail): void {
  const id = detail.summary.id;
  useLabs.setState((s) => {
    const { [id]: _gone, ...detailErrors } = s.detailErrors;
    return {
      details: { ...s.details, [id]: detail },
      detailErrors,
      catalog: s.catalog ? applyRunToCatalog(s.catalog, { labId: id, run: detail.run }) : s.catalog,
    };
  });
}

export function setLabJob(labId: string, jobId: string): void {
  useLabs.setState((s) => ({ labJobs: { ...s.labJobs, [labId]: jobId } }));
}
