/**
 * A job context for work nested inside one phase of a bigger job (the rebuild runs a whole
 * teardown and a whole bootstrap): the inner phases become log lines ("Bootstrap › kubeadm
 * init") instead of replacing the outer job's phase, and inner progress fills the outer phase's
 * share, so the job's phase list and progress bar stay truthful.
 */
import type { JobContext } from './jobs-service';

export function subContext(outer: JobContext, label: string, from: number, to: number): JobContext {
  return {
    jobId: outer.jobId,
    signal: outer.signal,
    log: (line, stream) => outer.log(line, stream),
    phase: (name) => outer.log(`${label} › ${name}`),
    progress: (fraction) => outer.progress(from + Math.min(1, Math.max(0, fraction)) * (to - from)),
  };
}
