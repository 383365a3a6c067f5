/**
 * The job a lab is waiting on — practice nodes being made, or a reset reinstalling nodes — with
 * its progress, phase, error and log. The cluster page's job panel fits as it is: a job is a job.
 * Once it succeeded and the lab runs, it has nothing left to say and steps aside.
 */
import { ClusterJob } from '../clusters/ClusterJob';
import { useJob } from '../clusters/use-job';

export function LabJob({ jobId, running }: { jobId: string; running: boolean }) {
  const { job, error } = useJob(jobId);
  if (error) return <p className="notice notice-warn">{error}</p>;
  if (!job || (running && job.state === 'succeeded')) return null;
  return <ClusterJob key={job.id} job={job} />;
}
