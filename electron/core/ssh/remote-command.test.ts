import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import { Limiter } from './limiter';
import { LineSplitter, OutputTail } from './output-tail';
import { killGroupCommand, PGID_MARKER, shellQuote, sudoNeedsPassword, wrapCommand } from './remote-command';
import { checkHostKey } from './host-key-check';
import { parsePublicKey } from '../nodes/host-keys';

describe('remote command', () => {
  it('quotes anything for sh', () => {
    const nasty = `it's "$HOME" \`id\` $(id) \\ ;`;
    expect(spawnSync('sh', ['-c', `printf %s ${shellQuote(nasty)}`]).stdout.toString()).toBe(nasty);
  });

  it('wraps with pgid marker, cwd, env and sudo, and runs locally as written', () => {
    const cmd = wrapCommand('echo "$A" "$(pwd)"', { env: { A: "x'y" }, cwd: '/tmp' });
    const out = spawnSync('sh', ['-c', cmd]).stdout.toString();
    expect(out.startsWith(PGID_MARKER)).toBe(true);
    expect(out.slice(PGID_MARKER.length)).toMatch(/^\d+\nx'y \/tmp\n$/);
    expect(wrapCommand('true', { sudo: true })).toMatch(/^sudo -n -- setsid -w /);
    expect(wrapCommand('true', { sudo: { password: 'p' } })).toMatch(/^sudo -S -p '' -- setsid -w /);
    expect(wrapCommand('true', { sudo: { password: 'secret-pw' } })).not.toContain('secret-pw');
    expect(() => wrapCommand('true', { env: { 'A;rm': '1' } })).toThrow(expect.objectContaining({ code: ErrorCode.Validation }));
  });

  it('builds a kill script that POSIX sh accepts', () => {
    const r = spawnSync('sh', ['-n', '-c', killGroupCommand(4242, false)]);
    expect(r.status).toBe(0);
  });

  it('recognises sudo asking for a password', () => {
    expect(sudoNeedsPassword('sudo: a password is required\n')).toBe(true);
    expect(sudoNeedsPassword('Sorry, try again.\n')).toBe(true);
    expect(sudoNeedsPassword('command not found')).toBe(false);
  });
});

describe('output', () => {
  it('keeps the tail and counts what it dropped', () => {
    const tail = new OutputTail(5);
    tail.push(Buffer.from('abc'));
    tail.push(Buffer.from('defg'));
    expect(tail.text()).toBe('cdefg');
    expect(tail.dropped).toBe(2);
  });

  it('splits lines across chunks', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('a\r\nb');
    s.push('c\nd');
    s.flush();
    expect(lines).toEqual(['a', 'bc', 'd']);
  });

  it('keeps a multi-byte character whole when a chunk boundary splits it', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('ñ€😀\n');
    for (let i = 0; i < bytes.length; i++) s.push(bytes.subarray(i, i + 1));
    s.flush();
    expect(lines).toEqual(['ñ€😀']);
  });
});

describe('limiter', () => {
  it('queues beyond the limit, lets urgent waiters jump the queue, and aborts waits', async () => {
    const l = new Limiter(1);
    const r1 = await l.acquire();
    const order: string[] = [];
    const p2 = l.acquire().then((r) => (order.push('normal'), r));
    const p3 = l.acquire(undefined, true).then((r) => (order.push('urgent'), r));
    const ac = new AbortController();
    const p4 = l.acquire(ac.signal);
    ac.abort();
    await expect(p4).rejects.toMatchObject({ name: 'AbortError' });
    r1();
    (await p3)();
    (await p2)();
    expect(order).toEqual(['urgent', 'normal']);
    expect(l.inUse).toBe(0);
  });
});

describe('host key check', () => {
  const key = parsePublicKey('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP/il7yyoMW1j+KH/dUT38hXIiQKhDyN+TJ4VpBJAsPT')!;
  const other = parsePublicKey('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl')!;
  const blob = Buffer.from(key.key, 'base64');
  it('accepts a pinned key, refuses others and unpinned nodes', () => {
    expect(checkHostKey('n', [other, key], blob).ok).toBe(true);
    const mismatch = checkHostKey('n', [other], blob);
    expect(mismatch.ok).toBe(false);
    if (!mismatch.ok) expect(mismatch.error.code).toBe(ErrorCode.SshHostKeyMismatch);
    const unknown = checkHostKey('n', [], blob);
    if (!unknown.ok) expect(unknown.error.details).toEqual({ presented: key });
  });
});
