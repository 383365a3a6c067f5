/** Records an audit event and tells every client about it. The one way anything is audited. */
import type { AuditEvent } from '../../../shared/domain/event';
import type { EventsRepo, NewEvent } from '../store/events-repo';
import type { EventBus } from './bus';

export class AuditLog {
  constructor(
    private readonly repo: EventsRepo,
    private readonly bus: EventBus,
  ) {}

  record(event: NewEvent): AuditEvent {
    const saved = this.repo.append(event);
    this.bus.publish('events.appended', saved);
    return saved;
  }

  list(opts: { limit: number; beforeId?: number; subjectId?: string }): AuditEvent[] {
    return this.repo.list(opts);
  }
}
