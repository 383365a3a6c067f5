/**
 * A step's solution, hidden until asked for: the first time, the learner confirms (seeing it is
 * noted in the progress, and the hints usually get them there), then the core hands it over with
 * the lab's placeholders filled in.
 */
import { useRef, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { FormError } from '../../components/FormError';
import { errorMessage, rpc } from '../../rpc/api';
import { Markdown } from './markdown';

export function SolutionPanel({ labId, step, shownBefore }: { labId: string; step: number; shownBefore: boolean }) {
  const [markdown, setMarkdown] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

  const fetchSolution = async () => {
    setBusy(true);
    setError(null);
    try {
      const { markdown: text } = await rpc().call('labs.solution', { labId, step });
      setMarkdown(text);
      setAsking(false);
    } catch (err) {
      setError(`Could not get the solution: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  if (markdown !== null) {
    return (
      <section className="lab-solution" aria-labelledby={`lab-solution-${step}`}>
        <div className="lab-solution-head">
          <h3 id={`lab-solution-${step}`}>Solution</h3>
          <button type="button" className="btn btn-small" onClick={() => setMarkdown(null)}>
            Hide solution
          </button>
        </div>
        <Markdown source={markdown} />
      </section>
    );
  }
  return (
    <div className="lab-solution-ask">
      <button type="button" className="btn btn-small" onClick={() => (shownBefore ? void fetchSolution() : setAsking(true))} disabled={busy}>
        {shownBefore ? 'Show solution again' : 'Show solution'}
      </button>
      {!asking && <FormError message={error} />}
      {asking && (
        <Dialog title="Show the solution?" onClose={() => setAsking(false)} initialFocus={cancelRef} describedBy={`lab-solution-why-${step}`}>
          <p id={`lab-solution-why-${step}`}>
            Try the step first: the hint of a failing check usually points the way, and you learn more by getting there yourself. Seeing the solution is noted in your
            progress.
          </p>
          <FormError message={error} />
          <DialogActions onCancel={() => setAsking(false)} cancelRef={cancelRef} cancelLabel="Keep trying">
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void fetchSolution()}>
              {busy ? 'Getting it…' : 'Show solution'}
            </button>
          </DialogActions>
        </Dialog>
      )}
    </div>
  );
}
