/** The audit trail: an append-only record of what happened, by whom, to what. */
export type EventActor = 'user' | 'system';

export interface AuditEvent {
  id: number;
  ts: string;
  actor: EventActor;
  /** Dotted kind, e.g. `node.created`, `job.failed`. */
  kind: string;
  /** The node (or other subject) this is about, if any: it feeds that node's timeline. */
  subjectId: string | null;
  summary: string;
  data: unknown;
}
