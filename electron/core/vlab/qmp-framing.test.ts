import { describe, expect, it } from 'vitest';
import { encodeQmpCommand, parseQmpMessage, QmpDecoder } from './qmp-framing';

// Lines as QEMU 7.2 sends them (captured from `-qmp stdio`).
const GREETING = '{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}}\r\n';
const SHUTDOWN = '{"timestamp": {"seconds": 1795472915, "microseconds": 486861}, "event": "SHUTDOWN", "data": {"guest": false, "reason": "host-qmp-quit"}}\r\n';

describe('QMP framing', () => {
  it('classifies greeting, return, error and event', () => {
    expect(parseQmpMessage(GREETING)).toEqual({ kind: 'greeting', version: '7.2.22' });
    expect(parseQmpMessage('{"return": {"status": "running", "running": true}, "id": 3}')).toEqual({ kind: 'return', id: 3, value: { status: 'running', running: true } });
    expect(parseQmpMessage('{"return": {}}')).toEqual({ kind: 'return', id: null, value: {} });
    expect(parseQmpMessage('{"id": 4, "error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}}')).toEqual({
      kind: 'error',
      id: 4,
      errorClass: 'CommandNotFound',
      desc: 'The command nope has not been found',
    });
    expect(parseQmpMessage(SHUTDOWN)).toEqual({ kind: 'event', event: 'SHUTDOWN', data: { guest: false, reason: 'host-qmp-quit' } });
    expect(parseQmpMessage('{"event": "STOP", "timestamp": {"seconds": 1, "microseconds": 2}}')).toEqual({ kind: 'event', event: 'STOP', data: {} });
  });

  it('refuses what is not QMP', () => {
    expect(() => parseQmpMessage('[1,2]')).toThrow(/not an object/);
    expect(() => parseQmpMessage('{"hello": 1}')).toThrow(/unknown message/);
    expect(() => parseQmpMessage('{"return":')).toThrow();
  });

  it('reassembles lines split anywhere across chunks, including inside a UTF-8 character', () => {
    const stream = Buffer.from(GREETING + '{"return": {"desc": "größe"}, "id": 1}\r\n' + SHUTDOWN);
    for (let cut = 1; cut < stream.length; cut += 7) {
      const d = new QmpDecoder();
      const got = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      expect(got.map((m) => m.kind)).toEqual(['greeting', 'return', 'event']);
      expect(got[1]).toEqual({ kind: 'return', id: 1, value: { desc: 'größe' } });
    }
  });

  it('keeps a partial line until its end arrives, and skips blank lines', () => {
    const d = new QmpDecoder();
    expect(d.push('{"return": {}, "id"')).toEqual([]);
    expect(d.push(': 9}\r\n\r\n\n')).toEqual([{ kind: 'return', id: 9, value: {} }]);
  });

  it('refuses a line without end beyond the limit instead of growing forever', () => {
    const d = new QmpDecoder();
    expect(() => d.push('x'.repeat(1024 * 1024 + 1))).toThrow(/longer than/);
  });

  it('encodes commands with an id, with and without arguments', () => {
    expect(encodeQmpCommand(1, 'qmp_capabilities')).toBe('{"execute":"qmp_capabilities","id":1}\r\n');
    expect(JSON.parse(encodeQmpCommand(2, 'system_reset', { x: 1 }))).toEqual({ execute: 'system_reset', arguments: { x: 1 }, id: 2 });
  });
});
