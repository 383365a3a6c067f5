/**
 * A stack's logs as `docker compose logs` shows them: every container of the project (or of one
 * service), stdout and stderr apart, split into lines and handed on in batches. Each container's
 * log is one Engine API stream — over SSH, one channel — and aborting the signal (the UI stopped
 * watching) destroys them all, which closes their channels on the node.
 */
import type { IncomingMessage } from 'node:http';
import type Dockerode from 'dockerode';
import type { StackLogLine } from '../../../../shared/domain/stack';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { whenAborted } from '../../abort';
import { engineStream } from '../docker/engine-request';
import { FrameDemuxer, LineBatcher, LineSplitter } from './log-lines';
import { projectContainers, type ProjectContainer } from './project-containers';

export interface StackLogOptions {
  service?: string;
  /** Lines from the end of each container's log before following (0: none). */
  tail: number;
  timestamps: boolean;
  follow: boolean;
}

/**
 * Resolves when every log stream has ended (without follow: once the tails are read; with follow:
 * when the containers stop) or at once when `signal` aborts — stopping to watch is not an error.
 */
export async function followStackLogs(
  docker: Dockerode,
  project: string,
  opts: StackLogOptions,
  onLines: (lines: StackLogLine[]) => void,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return;
  // Our own controller: one failing stream also ends its siblings.
  const streams = new AbortController();
  const unlink = whenAborted(signal, () => streams.abort());
  const batcher = new LineBatcher(onLines);
  try {
    const containers = await projectContainers(docker, project, { service: opts.service, signal: streams.signal });
    await Promise.all(containers.map((c) => containerLog(docker, c, opts, batcher, streams.signal)));
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  } finally {
    streams.abort();
    unlink();
    // Lines read before a failure still reach the watcher; after an abort, nothing does.
    if (signal.aborted) batcher.discard();
    else batcher.flush();
  }
}

async function containerLog(docker: Dockerode, c: ProjectContainer, opts: StackLogOptions, batcher: LineBatcher, signal: AbortSignal): Promise<void> {
  let res: IncomingMessage;
  let tty: boolean;
  try {
    // A TTY container's log is raw bytes, not frames: docker's CLI asks the same way.
    tty = (await docker.getContainer(c.id).inspect({ abortSignal: signal })).Config.Tty;
    res = await engineStream(docker, {
      path: `/containers/${c.id}/logs?`,
      query: { follow: opts.follow, stdout: true, stderr: true, tail: opts.tail, timestamps: opts.timestamps },
      signal,
      errors: { 404: 'no such container' },
    });
  } catch (err) {
    // Removed between listing and reading (a redeploy): it has no more lines to give.
    if ((err as { statusCode?: number }).statusCode === 404) return;
    throw err;
  }
  const splitter = new LineSplitter({ service: c.service, container: c.name, timestamps: opts.timestamps }, (l) => batcher.push(l));
  const demux = tty ? null : new FrameDemuxer((stream, payload) => splitter.push(stream, payload));
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      stop();
      if (!err || signal.aborted) {
        splitter.end();
        resolve();
      } else {
        reject(err);
      }
    };
    const stop = whenAborted(signal, () => {
      res.destroy();
      settle();
    });
    res.on('data', (chunk: Buffer) => (demux ? demux.push(chunk) : splitter.push('stdout', chunk)));
    res.once('end', () => settle());
    res.once('error', (e) => settle(lostStream(c, e)));
    res.once('close', () => settle(res.complete ? undefined : lostStream(c, new Error('the stream closed early'))));
  });
}

function lostStream(c: ProjectContainer, cause: Error): RackpilotError {
  return new RackpilotError(ErrorCode.Disconnected, `The log of ${c.name} stopped (${cause.message}): the node or its Docker Engine may have gone away. Open the logs again.`);
}
