/**
 * Pulling an image with per-layer progress. The engine streams one JSON line per layer event
 * ("Downloading" with bytes, "Extracting", "Pull complete", "Already exists"); we fold them into
 * one snapshot per image and pass it on at most every `intervalMs`, plus a final one — a pull of a
 * large image emits thousands of lines, the UI needs a few per second.
 */
import type Docker from 'dockerode';
import { RackpilotError } from '../../../../shared/errors';
import type { ImagePullProgress } from '../../../../shared/domain/stack';
import { abortError, whenAborted } from '../../abort';
import { EngineErrorCode, engineMessage } from './engine-errors';
import { registryOf, withDefaultTag } from './images';

export type PullProgress = Omit<ImagePullProgress, 'jobId'>;
type Layer = PullProgress['layers'][number];

interface PullEvent {
  id?: string;
  status?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

export interface PullOptions {
  signal?: AbortSignal;
  onProgress(p: PullProgress): void;
  /** Minimum time between progress reports; the final report always goes out. */
  intervalMs?: number;
}

export function pullError(image: string, reason: string): RackpilotError {
  return new RackpilotError(
    EngineErrorCode.ImagePull,
    `Could not pull ${image} from ${registryOf(image)}: ${reason.replace(/\.$/, '')}. Check the image name, or that the node reaches the registry`,
  );
}

/** Folds one stream event into the layer table; events not about a layer (digest, status) are skipped. */
function applyEvent(layers: Map<string, Layer>, ev: PullEvent): void {
  const status = ev.status ?? '';
  if (!ev.id || status.startsWith('Pulling from') || status.startsWith('Digest:') || status.startsWith('Status:')) return;
  const layer = layers.get(ev.id) ?? { id: ev.id, status, current: 0, total: 0 };
  layer.status = status;
  const detail = ev.progressDetail ?? {};
  if (status === 'Downloading') {
    layer.current = detail.current ?? layer.current;
    layer.total = detail.total ?? layer.total;
  } else if (status === 'Download complete' || status === 'Verifying Checksum' || status === 'Extracting' || status === 'Pull complete') {
    // Bytes count the transfer; extraction reports its own counter, which would run the bar backwards.
    if (status === 'Extracting' && !layer.total) layer.total = detail.total ?? 0;
    layer.current = layer.total;
  }
  layers.set(ev.id, layer);
}

function snapshot(image: string, layers: Map<string, Layer>, done: boolean, error: string | null): PullProgress {
  const list = [...layers.values()].map((l) => ({ ...l }));
  return {
    image,
    current: list.reduce((n, l) => n + l.current, 0),
    total: list.reduce((n, l) => n + l.total, 0),
    layers: list,
    done,
    error,
  };
}

export async function pullImage(docker: Docker, image: string, opts: PullOptions): Promise<void> {
  const interval = opts.intervalMs ?? 200;
  const layers = new Map<string, Layer>();
  let lastSent = 0;
  let pending: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (pending) clearTimeout(pending);
    pending = null;
    lastSent = Date.now();
    opts.onProgress(snapshot(image, layers, false, null));
  };
  const report = () => {
    const wait = lastSent + interval - Date.now();
    if (wait <= 0) flush();
    else pending ??= setTimeout(flush, wait);
  };
  const finish = (error: string | null) => {
    if (pending) clearTimeout(pending);
    pending = null;
    opts.onProgress(snapshot(image, layers, true, error));
  };

  if (opts.signal?.aborted) throw abortError();
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.pull(withDefaultTag(image), { abortSignal: opts.signal });
  } catch (err) {
    // The engine may not answer before Cancel (a registry that hangs): the bar still has to end.
    if (opts.signal?.aborted) {
      finish('cancelled');
      throw abortError();
    }
    const e = pullError(image, engineMessage(err));
    finish(e.message);
    throw e;
  }

  let streamError: string | null = null;
  const stopOnAbort = whenAborted(opts.signal, () => (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.());
  try {
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err) => (err ? reject(err) : resolve()),
        (ev: PullEvent) => {
          if (ev.error) streamError ??= ev.errorDetail?.message ?? ev.error;
          applyEvent(layers, ev);
          report();
        },
      );
    });
  } catch (err) {
    if (opts.signal?.aborted) {
      finish('cancelled');
      throw abortError();
    }
    streamError ??= engineMessage(err);
  } finally {
    stopOnAbort();
  }
  if (opts.signal?.aborted) {
    finish('cancelled');
    throw abortError();
  }
  if (streamError) {
    const e = pullError(image, streamError);
    finish(e.message);
    throw e;
  }
  finish(null);
}
