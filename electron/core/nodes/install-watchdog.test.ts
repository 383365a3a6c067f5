import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../../shared/domain/event';
import { isInstallFailureData, type InstallFailureData } from '../../../shared/domain/install-failure';
import type { Node } from '../../../shared/domain/node';
import { createLogger } from '../log';
import type { InstallInProgress } from './boot-inventory';
import { consoleEvidence, eventsSinceArming, formatSpan, isOverdue, lastBootEvent, timeoutReason } from './install-timeout';
import { InstallWatchdog, type InstallWatchdogDeps } from './install-watchdog';
import { redactSeedSecrets } from './seed-secrets';

// Local wall-clock dates, so the HH:MM:SS in the reason is the same in every time zone.
const at = (h: number, m: number, s = 0) => new Date(2026, 0, 5, h, m, s).toISOString();
const MIN = 60_000;

let nextId = 1;
const event = (kind: string, summary: string, ts: string): AuditEvent => ({ id: nextId++, ts, actor: 'system', kind, subjectId: 'n1', summary, data: null });

describe('install timeout: the decision', () => {
  it('is overdue exactly when the timeout has passed since arming', () => {
    const armed = Date.parse(at(12, 0));
    expect(isOverdue(armed, armed + 59 * MIN, 60)).toBe(false);
    expect(isOverdue(armed, armed + 60 * MIN, 60)).toBe(true);
    expect(isOverdue(armed, armed + 2 * MIN, 1)).toBe(true);
  });

  it('looks only at what happened since the last arming, oldest first', () => {
    const newestFirst = [
      event('boot.http', 'served user-data (seed)', at(12, 5)),
      event('boot.dhcp', 'DHCP offer to 52:54:00:aa:00:01: boot undionly.kpxe', at(12, 1)),
      event('boot.install-requested', 'Install armed', at(12, 0)),
      event('boot.phone-home', 'an earlier install phoned home', at(11, 0)),
    ];
    const { arming, events } = eventsSinceArming(newestFirst);
    expect(arming?.ts).toBe(at(12, 0));
    expect(events.map((e) => e.kind)).toEqual(['boot.install-requested', 'boot.dhcp', 'boot.http']);
    expect(lastBootEvent(events)?.summary).toBe('served user-data (seed)');
    expect(lastBootEvent(events.slice(0, 1))).toBeUndefined();
  });
});

describe('install timeout: the reason', () => {
  it('says how long it waited, what the node last did and when, and what to check', () => {
    const reason = timeoutReason({ timeoutMinutes: 60, armedAt: at(11, 58, 11), last: { kind: 'boot.http', summary: 'served user-data (seed)', ts: at(12, 3, 11) } });
    expect(reason).toBe(
      'no phone-home within 60 min; last boot event: served user-data (seed) at 12:03:11 (5 min after arming). ' +
        "It read its seed but never phoned home: check the node's console for installer or cloud-init errors; the phone-home URL must be reachable from the node.",
    );
  });

  it('points at power and boot order when the node never network-booted', () => {
    const reason = timeoutReason({ timeoutMinutes: 90, armedAt: at(12, 0), last: undefined });
    expect(reason).toMatch(/^no phone-home within 90 min; the node has not network-booted since it was armed\. Check that it is powered on/);
  });

  it('points at the boot HTTP server when the node got no further than DHCP or TFTP', () => {
    const reason = timeoutReason({ timeoutMinutes: 1, armedAt: at(12, 0), last: { kind: 'boot.tftp', summary: 'TFTP to 10.0.0.5: sent undionly.kpxe', ts: at(12, 0, 40) } });
    expect(reason).toContain('within 1 min; last boot event: TFTP to 10.0.0.5: sent undionly.kpxe at 12:00:40 (40 s after arming)');
    expect(reason).toContain('boot HTTP server is reachable');
  });

  it('formats spans a person reads at a glance', () => {
    expect(formatSpan(40_000)).toBe('40 s');
    expect(formatSpan(5 * MIN + 20_000)).toBe('5 min');
    expect(formatSpan(60 * MIN)).toBe('60 min');
    expect(formatSpan(125 * MIN)).toBe('2 h 5 min');
    expect(formatSpan(1440 * MIN)).toBe('24 h');
  });

  it('starts a cut console tail at a whole line, so no fragment of a token slips through', () => {
    const token = 'Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4';
    // The cut fell inside the token: its end is all that is left on the first line.
    const tail = { text: `${token.slice(10)}/ console=ttyS0\ncloud-init: waiting\n`, truncated: true };
    expect(consoleEvidence(tail)).toBe('cloud-init: waiting\n');
    expect(consoleEvidence({ text: 'whole\n', truncated: false })).toBe('whole\n');
    expect(consoleEvidence({ text: 'no newline at all', truncated: true })).toBeNull();
    expect(consoleEvidence(null)).toBeNull();
  });
});

describe('seed token redaction', () => {
  const token = 'Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4';
  it('masks the token in seed and phone-home URLs and wherever a known token stands alone', () => {
    const cmdline = `ip=dhcp ds=nocloud-net;s=http://10.0.2.2:8080/nocloud/n-1/${token}/ console=ttyS0`;
    expect(redactSeedSecrets(cmdline)).toBe('ip=dhcp ds=nocloud-net;s=http://10.0.2.2:8080/nocloud/n-1/[redacted]/ console=ttyS0');
    expect(redactSeedSecrets(`POST http://h/phone-home/n-1/${token} 200`)).toBe('POST http://h/phone-home/n-1/[redacted] 200');
    expect(redactSeedSecrets(`GET /nocloud/n-1/${token}/user-data`)).toBe('GET /nocloud/n-1/[redacted]/user-data');
    expect(redactSeedSecrets(`url split here: ${token}`, [token])).toBe('url split here: [redacted]');
    expect(redactSeedSecrets('nothing secret', ['short'])).toBe('nothing secret');
  });
});

function fakeNode(id: string): Node {
  return { id, name: `node-${id}`, mac: '52:54:00:aa:00:01', address: '', sshUser: 'rackpilot', sshPort: 22, role: 'worker', tags: [], notes: '', state: 'installing', netboot: true, profileId: 'live', hostKeys: [], firmware: 'bios', createdAt: at(11, 0), updatedAt: at(11, 0) };
}

/** An inventory of installs in memory, and a watchdog on a clock the test moves. */
function harness(installs: InstallInProgress[], extra: Partial<InstallWatchdogDeps> = {}) {
  let now = Date.parse(at(12, 0));
  const failed: { nodeId: string; reason: string; data: InstallFailureData }[] = [];
  const inventory: InstallWatchdogDeps['inventory'] = {
    installsInProgress: () => installs,
    startInstallClock: (nodeId) => {
      const iso = new Date(now).toISOString();
      installs = installs.map((i) => (i.node.id === nodeId ? { ...i, startedAt: iso } : i));
      return iso;
    },
    failInstall: (nodeId, reason, data) => {
      failed.push({ nodeId, reason, data: data as InstallFailureData });
      installs = installs.filter((i) => i.node.id !== nodeId);
      return { ...fakeNode(nodeId), state: 'failed' };
    },
  };
  const watchdog = new InstallWatchdog({
    inventory,
    timeline: () => [event('boot.http', 'served user-data (seed)', at(12, 5)), event('boot.install-requested', 'Install armed', at(12, 0))],
    timeoutMinutes: () => 60,
    log: createLogger('error'),
    now: () => now,
    ...extra,
  });
  return {
    watchdog,
    failed,
    advance: (ms: number) => (now += ms),
    installs: () => installs,
    setInstalls: (next: InstallInProgress[]) => (installs = next),
  };
}

describe('install watchdog', () => {
  afterEach(() => vi.useRealTimers());

  it('leaves an install alone until its timeout, then fails it with the reason and the evidence', async () => {
    const h = harness([{ node: fakeNode('n1'), startedAt: at(12, 0) }], {
      consoleTail: async () => ({ text: 'partial line\n[  54.1] cloud-init: url_helper: Calling http://10.0.2.2/nocloud/n1/tok/\n', truncated: true }),
    });
    h.advance(59 * MIN);
    await h.watchdog.check();
    expect(h.failed).toEqual([]);

    h.advance(1 * MIN);
    await h.watchdog.check();
    expect(h.failed).toHaveLength(1);
    const [f] = h.failed;
    expect(f?.reason).toMatch(/^no phone-home within 60 min; last boot event: served user-data \(seed\) at 12:05:00 \(5 min after arming\)/);
    expect(f?.data).toMatchObject({ timeoutMinutes: 60, armedAt: at(12, 0) });
    // What the renderer checks before it shows the evidence.
    expect(isInstallFailureData(f?.data)).toBe(true);
    expect(isInstallFailureData({ ...f?.data, lastEvents: [{ kind: 'x' }] })).toBe(false);
    expect(isInstallFailureData(null)).toBe(false);
    expect(f?.data.lastEvents.map((e) => e.kind)).toEqual(['boot.install-requested', 'boot.http']);
    expect(f?.data.consoleTail).toBe('[  54.1] cloud-init: url_helper: Calling http://10.0.2.2/nocloud/n1/tok/\n');
    await h.watchdog.close();
  });

  it('starts the clock of an install that has none instead of failing it at once', async () => {
    const h = harness([{ node: fakeNode('n1'), startedAt: null }]);
    await h.watchdog.check();
    expect(h.failed).toEqual([]);
    expect(h.installs()[0]?.startedAt).toBe(at(12, 0));
    h.advance(60 * MIN);
    await h.watchdog.check();
    expect(h.failed).toHaveLength(1);
  });

  it('does not fail an install that phoned home, or was re-armed, while the console was read', async () => {
    const h = harness([{ node: fakeNode('n1'), startedAt: at(12, 0) }, { node: fakeNode('n2'), startedAt: at(12, 0) }], {
      consoleTail: async (nodeId) => {
        // n1 phones home, n2 is rebuilt (a fresh clock), while the watchdog waits on the console.
        h.setInstalls(nodeId === 'n1' ? h.installs().filter((i) => i.node.id !== 'n1') : h.installs().map((i) => ({ ...i, startedAt: at(13, 0) })));
        return null;
      },
    });
    h.advance(61 * MIN);
    await h.watchdog.check();
    expect(h.failed).toEqual([]);
  });

  it('still fails the node when its console cannot be read', async () => {
    const h = harness([{ node: fakeNode('n1'), startedAt: at(12, 0) }], { consoleTail: () => Promise.reject(new Error('VM gone')) });
    h.advance(60 * MIN);
    await h.watchdog.check();
    expect(h.failed[0]?.data.consoleTail).toBeNull();
  });

  it('checks at start and on every round, on a timer that never holds the process, and stops on close', async () => {
    vi.useFakeTimers();
    const h = harness([{ node: fakeNode('n1'), startedAt: at(12, 0) }], { intervalMs: 30_000 });
    const check = vi.spyOn(h.watchdog, 'check');
    h.watchdog.start();
    expect(check).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(check).toHaveBeenCalledTimes(2);
    h.advance(60 * MIN);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.failed).toHaveLength(1);
    await h.watchdog.close();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(90_000);
    expect(check).toHaveBeenCalledTimes(3);
  });

  it('unrefs its timer', () => {
    const unref = vi.fn();
    const spy = vi.spyOn(globalThis, 'setInterval').mockReturnValue({ unref } as unknown as ReturnType<typeof setInterval>);
    const h = harness([]);
    h.watchdog.start();
    expect(unref).toHaveBeenCalled();
    spy.mockRestore();
    void h.watchdog.close();
  });
});
