import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Frame } from '../../../shared/protocol';
import { MAX_FRAME_BYTES } from '../../../shared/protocol';
import { createTempApp, type TempApp } from '../testing/temp-app';

let t: TempApp;
afterEach(async () => t?.close());

/** A raw session on the real core, recording every frame it answers with. */
function rawSession(app: TempApp['app']) {
  const frames: Frame[] = [];
  const session = app.dispatcher.open({ send: (f) => frames.push(f) }, 'raw');
  const settle = () => new Promise((r) => setTimeout(r, 20));
  return { frames, session, settle };
}

describe('dispatcher', () => {
  it('answers malformed frames with E_BAD_FRAME and keeps serving', async () => {
    t = createTempApp();
    const { frames, session, settle } = rawSession(t.app);
    session.receiveText('{not json');
    session.receive({ t: 'res', id: 1, r: 1 });
    session.receive({ t: 'req', id: 'x', m: 'nodes.list', a: {} });
    session.receive(null);
    session.receive({ t: 'req', id: 7, m: 'nodes.list', a: {} });
    await settle();
    expect(frames.map((f) => (f.t === 'err' ? f.e.code : f.t))).toEqual(['E_BAD_FRAME', 'E_BAD_FRAME', 'E_BAD_FRAME', 'E_BAD_FRAME', 'res']);
    expect(frames[4]).toEqual({ t: 'res', id: 7, r: [] });
  });

  it('refuses unknown methods, wrong-typed inputs and oversized frames with stable codes', async () => {
    t = createTempApp();
    const { frames, session, settle } = rawSession(t.app);
    session.receive({ t: 'req', id: 1, m: 'nodes.explode', a: {} });
    session.receive({ t: 'req', id: 2, m: 'nodes.get', a: { id: 42 } });
    session.receive({ t: 'req', id: 3, m: 'nodes.create', a: { name: 'x', mac: 'aa', notes: 'y'.repeat(MAX_FRAME_BYTES) } });
    await settle();
    const codes = Object.fromEntries(frames.map((f) => [f.t === 'err' ? f.id : -9, f.t === 'err' ? f.e.code : f.t]));
    expect(codes).toEqual({ 1: 'E_UNKNOWN_METHOD', 2: 'E_VALIDATION', 3: 'E_TOO_LARGE' });
  });

  it('hands the handler an AbortSignal that a cancel frame fires', async () => {
    t = createTempApp();
    const { frames, session, settle } = rawSession(t.app);
    const nodes = Array.from({ length: 3000 }, (_, i) => ({ name: `n${i}`, mac: `52:54:00:01:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}` }));
    session.receive({ t: 'req', id: 1, m: 'nodes.import', a: { nodes } });
    await new Promise((r) => setImmediate(r));
    session.receive({ t: 'cancel', id: 1 });
    await settle();
    const last = frames.filter((f) => 'id' in f && f.id === 1).at(-1);
    expect(last).toMatchObject({ t: 'err', e: { code: 'E_CANCELLED' } });
    // The chunk in flight when cancel arrived committed; nothing after it did.
    expect((await t.client.call('nodes.list', {})).length).toBeLessThan(3000);
  });

  it('never throws and always answers, whatever a client sends (fuzz)', async () => {
    t = createTempApp();
    const { frames, session } = rawSession(t.app);
    const method = fc.constantFrom('system.info', 'nodes.list', 'nodes.get', 'nodes.create', 'nodes.update', 'jobs.logs', 'events.list', 'nope');
    const frame = fc.oneof(
      fc.anything(),
      fc.record({ t: fc.constant('req'), id: fc.integer({ min: 0, max: 1e6 }), m: method, a: fc.anything() }),
      fc.record({ t: fc.constantFrom('req', 'cancel', 'res', 'event'), id: fc.anything(), m: fc.string(), a: fc.jsonValue() }),
    );
    let sent = 0;
    let usedIds = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { maxLength: 20 }), async (batch) => {
        usedIds = new Set();
        for (const f of batch) {
          // Duplicate ids are refused by design; keep them unique so every frame gets one answer.
          const id = (f as { id?: unknown })?.id;
          if (typeof id === 'number' && usedIds.has(id)) continue;
          if (typeof id === 'number') usedIds.add(id);
          expect(() => session.receive(f)).not.toThrow();
          const wellFormedCancel = (f as { t?: unknown })?.t === 'cancel' && Number.isSafeInteger(id) && (id as number) >= 0;
          if (!wellFormedCancel) sent++;
        }
        await new Promise((r) => setTimeout(r, 0));
      }),
      { numRuns: 150 },
    );
    await new Promise((r) => setTimeout(r, 50));
    // Every frame except a well-formed cancel got exactly one answer (res or err).
    const answers = frames.filter((f) => f.t === 'res' || f.t === 'err').length;
    expect(answers).toBe(sent);
    expect(await t.client.call('system.info', {})).toMatchObject({ product: 'Rackpilot' });
  });
});
