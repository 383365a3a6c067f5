/**
 * The client against a scripted QMP peer on a real unix socket: the handshake order, replies
 * matched by id when they come back out of order, events, errors, and a peer that goes away.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectQmp, QmpCommandError } from './qmp-client';

const GREETING = '{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}}, "capabilities": []}}\r\n';

let server: Server | undefined;
let dir: string | undefined;
afterEach(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A peer that greets, then hands each parsed command to `onCommand`. */
function peer(onCommand: (cmd: { execute: string; id: number }, sock: Socket) => void): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'qmp-'));
  const path = join(dir, 'qmp.sock');
  server = createServer((sock) => {
    sock.write(GREETING);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) onCommand(JSON.parse(line) as { execute: string; id: number }, sock);
      }
    });
  });
  return new Promise((resolve) => server?.listen(path, () => resolve(path)));
}

const reply = (sock: Socket, id: number, value: unknown) => sock.write(JSON.stringify({ return: value, id }) + '\r\n');

describe('QMP client', () => {
  it('negotiates capabilities before anything else, then matches replies by id', async () => {
    const seen: string[] = [];
    const held: { id: number; sock: Socket }[] = [];
    const path = await peer((cmd, sock) => {
      seen.push(cmd.execute);
      if (cmd.execute === 'qmp_capabilities') return reply(sock, cmd.id, {});
      held.push({ id: cmd.id, sock });
      // Answer the two queries in reverse order.
      if (held.length === 2) held.reverse().forEach((h, i) => reply(h.sock, h.id, { n: i }));
    });
    const qmp = await connectQmp(path);
    expect(qmp.version).toBe('7.2.0');
    const [a, b] = await Promise.all([qmp.execute('query-status'), qmp.execute('query-kvm')]);
    expect(seen).toEqual(['qmp_capabilities', 'query-status', 'query-kvm']);
    expect(a).toEqual({ n: 1 });
    expect(b).toEqual({ n: 0 });
    qmp.close();
    await qmp.closed;
  });

  it('passes events to listeners and turns QMP errors into QmpCommandError', async () => {
    const path = await peer((cmd, sock) => {
      if (cmd.execute === 'qmp_capabilities') return reply(sock, cmd.id, {});
      sock.write('{"event": "RESET", "data": {"guest": true, "reason": "guest-reset"}, "timestamp": {"seconds": 1, "microseconds": 0}}\r\n');
      sock.write(JSON.stringify({ id: cmd.id, error: { class: 'CommandNotFound', desc: 'The command nope has not been found' } }) + '\r\n');
    });
    const qmp = await connectQmp(path);
    const events: string[] = [];
    qmp.onEvent((e) => events.push(`${e.event}:${String(e.data.reason)}`));
    const err = await qmp.execute('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QmpCommandError);
    expect((err as QmpCommandError).errorClass).toBe('CommandNotFound');
    expect(events).toEqual(['RESET:guest-reset']);
    qmp.close();
  });

  it('counts `quit` as done when the peer just goes away, and fails other waiting commands', async () => {
    const path = await peer((cmd, sock) => {
      if (cmd.execute === 'qmp_capabilities') return reply(sock, cmd.id, {});
      if (cmd.execute === 'quit') sock.destroy();
    });
    const qmp = await connectQmp(path);
    const pending = qmp.execute('query-status');
    await expect(qmp.execute('quit')).resolves.toEqual({});
    await expect(pending).rejects.toThrow(/closed while query-status/);
    await qmp.closed;
    await expect(qmp.execute('query-status')).rejects.toThrow(/closed/);
  });

  it('times out a command that gets no reply, and a peer that never greets', async () => {
    const path = await peer((cmd, sock) => {
      if (cmd.execute === 'qmp_capabilities') reply(sock, cmd.id, {});
    });
    const qmp = await connectQmp(path);
    await expect(qmp.execute('query-status', undefined, 100)).rejects.toThrow(/no reply within 100 ms/);
    qmp.close();

    const silent = join(dir ?? '', 'silent.sock');
    const mute = createServer(() => undefined);
    await new Promise<void>((r) => mute.listen(silent, r));
    await expect(connectQmp(silent, 200)).rejects.toThrow(/did not greet/);
    mute.close();
  });
});
