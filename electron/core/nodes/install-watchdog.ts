/**
 * Fails installs that never phone home (DESIGN §4: installing → failed on timeout). Without it a
 * node whose installer hung, or whose phone-home could not reach Rackpilot, sits in `installing`
 * forever with netboot armed, wiping itself on every reboot. The start time is in the store, so
 * an install that ran out while Rackpilot was closed is failed as soon as it starts again.
 *
 * One round at start, then every 30 s. The timer is unref'd (it must never be what keeps the
 * process alive) and cleared on close, which also waits for a round in flight so nothing touches
 * the store after it closes.
 */
import type { AuditEvent } from '../../../shared/domain/event';
import type { InstallFailureData } from '../../../shared/domain/install-failure';
import type { Logger } from '../log';
import type { BootInventory, InstallInProgress } from './boot-inventory';
import { consoleEvidence, CONSOLE_TAIL_BYTES, eventsSinceArming, isOverdue, lastBootEvent, lastEvents, timeoutReason } from './install-timeout';

export const WATCHDOG_INTERVAL_MS = 30_000;
/** Enough of a node's timeline to reach back to its arming, even after a boot loop. */
const TIMELINE_WINDOW = 200;

/**
 * The end of a node's serial console, when Rackpilot has one (practice-rack nodes); null for
 * others. An interface rather than an import so the nodes area does not depend on the vlab one.
 */
export type ConsoleTailProvider = (nodeId: string, maxBytes: number) => Promise<{ text: string; truncated: boolean } | null>;

export interface InstallWatchdogDeps {
  inventory: Pick<BootInventory, 'installsInProgress' | 'startInstallClock' | 'failInstall'>;
  /** A node's timeline, newest first (the audit log). */
  timeline: (nodeId: string, limit: number) => AuditEvent[];
  /** The `installTimeoutMinutes` setting, read each round so a change applies without a restart. */
  timeoutMinutes: () => number;
  log: Logger;
  consoleTail?: ConsoleTailProvider;
  /** ms since epoch; tests move it. */
  now?: () => number;
  intervalMs?: number;
}

export class InstallWatchdog {
  private timer: ReturnType<typeof setInterval> | null = null;
  private round: Promise<void> | null = null;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly deps: InstallWatchdogDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.check(), this.deps.intervalMs ?? WATCHDOG_INTERVAL_MS);
    this.timer.unref();
    void this.check();
  }

  /** One round; a round already running is joined rather than overlapped. */
  check(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.round ??= this.checkAll().finally(() => {
      this.round = null;
    });
    return this.round;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.round;
  }

  private async checkAll(): Promise<void> {
    const timeoutMinutes = this.deps.timeoutMinutes();
    for (const install of this.deps.inventory.installsInProgress()) {
      if (this.closed) return;
      try {
        await this.checkOne(install, timeoutMinutes);
      } catch (err) {
        this.deps.log.warn('install watchdog could not check a node', { nodeId: install.node.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  private async checkOne({ node, startedAt }: InstallInProgress, timeoutMinutes: number): Promise<void> {
    if (startedAt === null || !Number.isFinite(Date.parse(startedAt))) {
      this.deps.inventory.startInstallClock(node.id);
      return;
    }
    if (!isOverdue(Date.parse(startedAt), this.now(), timeoutMinutes)) return;

    const { arming, events } = eventsSinceArming(this.deps.timeline(node.id, TIMELINE_WINDOW));
    const reason = timeoutReason({ timeoutMinutes, armedAt: arming?.ts ?? startedAt, last: lastBootEvent(events) });
    const consoleTail = consoleEvidence(await this.readConsole(node.id));
    // The console read gave a phone-home, a cancel or a re-arm time to land: fail only the
    // install this round judged, never its successor.
    const still = this.deps.inventory.installsInProgress().find((i) => i.node.id === node.id);
    if (this.closed || still?.startedAt !== startedAt) return;
    const data: InstallFailureData = { timeoutMinutes, armedAt: startedAt, lastEvents: lastEvents(events), consoleTail };
    this.deps.inventory.failInstall(node.id, reason, data);
    this.deps.log.warn(`install of ${node.name} timed out`, { nodeId: node.id, timeoutMinutes });
  }

  /** The console is a clue, not a condition: failing to read it must not keep the node installing. */
  private async readConsole(nodeId: string): Promise<{ text: string; truncated: boolean } | null> {
    try {
      return (await this.deps.consoleTail?.(nodeId, CONSOLE_TAIL_BYTES)) ?? null;
    } catch (err) {
      this.deps.log.debug('install watchdog could not read a console', { nodeId, error: err instanceof Error ? err.message : String(err) });
      return null;
    }
  }
}
