/** API methods of jobs and the audit trail (the Activity page). */
import type { AuditLog } from '../events/audit';
import type { Handlers } from '../rpc/handlers';
import type { JobsService } from './jobs-service';

export function jobHandlers(jobs: JobsService, audit: AuditLog): Pick<Handlers, 'jobs.list' | 'jobs.get' | 'jobs.logs' | 'jobs.cancel' | 'events.list'> {
  return {
    'jobs.list': ({ limit, nodeId }) => jobs.list(nodeId === undefined ? { limit } : { limit, nodeId }),
    'jobs.get': ({ id }) => jobs.get(id),
    'jobs.logs': ({ id, afterSeq, limit }) => jobs.logs(id, afterSeq, limit),
    'jobs.cancel': ({ id }) => jobs.cancel(id),
    'events.list': ({ limit, beforeId, subjectId }) => {
      const opts: { limit: number; beforeId?: number; subjectId?: string } = { limit };
      if (beforeId !== undefined) opts.beforeId = beforeId;
      if (subjectId !== undefined) opts.subjectId = subjectId;
      return audit.list(opts);
    },
  };
}
