/**
 * Time sync. What a node says about itself (timedatectl, chrony) varies by distribution and is
 * absent without systemd; comparing its clock with this computer's works everywhere, so that is
 * the real check: certificates kubeadm signs are not valid yet on a node whose clock is behind,
 * and etcd peers with skewed clocks complain. Thresholds: > 2 s warns, > 30 s fails.
 */
import type { PreflightCheck } from '../../../../shared/domain/cluster-record';
import type { Remote, KubeNode } from '../remote';
import { check, type PreflightNode } from './check';
import { CLOCK_SCRIPT } from './gather-script';
import type { NodeFacts } from './facts';

export const SKEW_WARN_SECONDS = 2;
export const SKEW_FAIL_SECONDS = 30;

/** One reading: the node's clock and when the question left and the answer came back (ms since epoch). */
export interface ClockSample {
  nodeMs: number;
  sentMs: number;
  receivedMs: number;
}

/** The node's clock minus ours, and how sure we are (half the round trip, as NTP reasons). */
export interface ClockOffset {
  offsetSeconds: number;
  uncertaintySeconds: number;
}

/** `date -u +%s.%N` → ms since epoch; busybox prints a literal N, which leaves whole seconds. */
export function parseClock(stdout: string): number | null {
  const match = /^(\d+)(?:\.(\d+))?/.exec(stdout.trim());
  if (!match) return null;
  const fraction = match[2] ? Number(`0.${match[2]}`) : 0;
  return Number(match[1]) * 1000 + fraction * 1000;
}

export function clockOffset(s: ClockSample): ClockOffset {
  const midpoint = (s.sentMs + s.receivedMs) / 2;
  return { offsetSeconds: (s.nodeMs - midpoint) / 1000, uncertaintySeconds: Math.max(0, s.receivedMs - s.sentMs) / 2000 };
}

/** The smallest skew the reading allows: the offset less the round trip's doubt. */
export function minimumSkew(o: ClockOffset): number {
  return Math.max(0, Math.abs(o.offsetSeconds) - o.uncertaintySeconds);
}

/** Three readings over the pooled connection; the one with the shortest round trip is kept. */
export async function readClockOffset(remote: Remote, node: KubeNode, signal: AbortSignal, now: () => number = Date.now): Promise<ClockOffset | null> {
  let best: ClockSample | null = null;
  for (let i = 0; i < 3; i++) {
    const sentMs = now();
    const result = await remote.run(node, CLOCK_SCRIPT, { sudo: false, timeoutMs: 15_000, signal });
    const receivedMs = now();
    const nodeMs = result.exitCode === 0 ? parseClock(result.stdout) : null;
    if (nodeMs === null) continue;
    if (!best || receivedMs - sentMs < best.receivedMs - best.sentMs) best = { nodeMs, sentMs, receivedMs };
  }
  return best ? clockOffset(best) : null;
}

const ENABLE_SYNC =
  'Turn on time sync: sudo timedatectl set-ntp true (systemd-timesyncd), or install chrony: sudo apt-get install -y chrony';

function describeOffset(o: ClockOffset): string {
  const s = Math.abs(o.offsetSeconds);
  const amount = s >= 10 ? `${Math.round(s)} s` : `${s.toFixed(1)} s`;
  return `${amount} ${o.offsetSeconds >= 0 ? 'ahead of' : 'behind'} this computer's clock`;
}

/** What the node itself says; null when it says nothing we can read. */
function selfReport(facts: NodeFacts): { synced: boolean | null; how: string } {
  if (facts.ntpSynchronized !== null) return { synced: facts.ntpSynchronized, how: 'timedatectl' };
  if (facts.chronyLeap) return { synced: facts.chronyLeap.toLowerCase() === 'normal', how: 'chrony' };
  if (facts.timeDaemons.length > 0) return { synced: null, how: facts.timeDaemons.join(', ') };
  return { synced: null, how: '' };
}

export function checkTimeSync(node: PreflightNode, facts: NodeFacts, offset: ClockOffset | null): PreflightCheck {
  const title = 'Time sync';
  const self = selfReport(facts);
  if (offset) {
    const skew = minimumSkew(offset);
    const seen = `The clock is ${describeOffset(offset)}`;
    const ownClock = 'If this computer\'s clock is the wrong one, fix that first.';
    if (skew > SKEW_FAIL_SECONDS) {
      return check('time-sync', node.id, title, 'fail',
        `${seen}: certificates kubeadm signs would not be valid yet on one side, and joins fail`,
        `${ENABLE_SYNC}, then check with timedatectl. ${ownClock}`);
    }
    if (skew > SKEW_WARN_SECONDS) {
      return check('time-sync', node.id, title, 'warn', `${seen}: more than ${SKEW_WARN_SECONDS} s apart clocks make certificates and etcd flaky`, `${ENABLE_SYNC}. ${ownClock}`);
    }
  }
  const clock = offset ? `clock within ${Math.max(0.1, Math.abs(offset.offsetSeconds)).toFixed(1)} s of this computer's` : 'clock not compared';
  if (self.synced === true) return check('time-sync', node.id, title, 'pass', `Synchronized (${self.how}); ${clock}`);
  if (self.synced === false) {
    return check('time-sync', node.id, title, 'warn', `${self.how} says the clock is not synchronized (${clock}): it will drift`, ENABLE_SYNC);
  }
  if (self.how) {
    if (offset) return check('time-sync', node.id, title, 'pass', `${self.how} running; ${clock}`);
    return check('time-sync', node.id, title, 'warn', `${self.how} running, but the clock could not be compared with this computer's`, 'Check the time with: date -u');
  }
  return check('time-sync', node.id, title, 'warn',
    `No time sync service found (no timedatectl answer, chrony, ntpd or systemd-timesyncd); ${clock}. Without one the clock drifts`,
    ENABLE_SYNC);
}
