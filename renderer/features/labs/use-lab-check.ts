/**
 * "Check my work" for one step, and the automatic re-check while the learner works: every 15 s,
 * only while the page is visible (a hidden window checks nothing) and never two at once — a check
 * can take a while (SSH, HTTP timeouts) and the next one waits for it to finish.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StepCheckReport } from '../../../shared/domain/lab';
import { errorMessage, rpc } from '../../rpc/api';

export const AUTO_CHECK_MS = 15_000;

export interface LabCheckState {
  report: StepCheckReport | null;
  checking: boolean;
  error: string | null;
  check(auto: boolean): Promise<void>;
}

export function useLabCheck(labId: string, step: number): LabCheckState {
  const [report, setReport] = useState<StepCheckReport | null>(null);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);

  const check = useCallback(
    async (auto: boolean) => {
      if (busy.current) return;
      busy.current = true;
      setChecking(true);
      try {
        setReport(await rpc().call('labs.check', { labId, step, auto }));
        setError(null);
      } catch (err) {
        setError(`Could not run the checks: ${errorMessage(err)}. Try again; if it keeps failing, look at the node's state on the Nodes page.`);
      } finally {
        busy.current = false;
        setChecking(false);
      }
    },
    [labId, step],
  );
  return { report, checking, error, check };
}

/** Whether an automatic re-check should run now (pure; exported for tests). */
export function autoCheckDue(o: { enabled: boolean; visible: boolean; checking: boolean }): boolean {
  return o.enabled && o.visible && !o.checking;
}

/** Calls `check(true)` every AUTO_CHECK_MS while enabled and visible, and once when the page comes back into view. */
export function useAutoCheck(enabled: boolean, state: Pick<LabCheckState, 'checking' | 'check'>): void {
  const latest = useRef(state);
  useEffect(() => {
    latest.current = state;
  });
  useEffect(() => {
    if (!enabled) return;
    const tick = () => {
      const { checking, check } = latest.current;
      if (autoCheckDue({ enabled, visible: document.visibilityState === 'visible', checking })) void check(true);
    };
    const timer = window.setInterval(tick, AUTO_CHECK_MS);
    const onVisibility = () => document.visibilityState === 'visible' && tick();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [enabled]);
}
