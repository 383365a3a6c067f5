/** Per-image pull progress of a deploy job, from `stacks.pull`: a bar per image with bytes and state. */
import type { ImagePullProgress } from '../../../shared/domain/stack';
import { useStacks } from '../../stores/stacks';
import { formatBytes } from './stack-format';

export function PullProgress({ jobId }: { jobId: string }) {
  const pulls = useStacks((s) => s.pulls[jobId]);
  const images = pulls ? Object.values(pulls) : [];
  if (images.length === 0) return null;
  return (
    <ul className="stack-pulls" aria-label="Image pulls">
      {images.map((p) => (
        <PullRow key={p.image} pull={p} />
      ))}
    </ul>
  );
}

function PullRow({ pull }: { pull: ImagePullProgress }) {
  const known = pull.total > 0;
  const state = pull.error ? `failed: ${pull.error}` : pull.done ? (known ? `pulled (${formatBytes(pull.total)})` : 'pulled') : known ? `${formatBytes(pull.current)} of ${formatBytes(pull.total)}` : 'waiting for layer sizes…';
  return (
    <li className="stack-pull" data-testid="image-pull" data-image={pull.image} data-done={pull.done ? 'true' : 'false'}>
      <span className="mono stack-pull-image">{pull.image}</span>
      <progress
        aria-label={`Pull of ${pull.image}`}
        max={known ? pull.total : 1}
        value={pull.done ? (known ? pull.total : 1) : known ? pull.current : undefined}
      />
      <span className={pull.error ? 'tone-bad' : 'muted'}>
        {state}
        {!pull.done && pull.layers.length > 0 ? ` · ${pull.layers.filter((l) => /complete|exists/i.test(l.status)).length}/${pull.layers.length} layers` : ''}
      </span>
    </li>
  );
}
