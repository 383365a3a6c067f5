import { describe, expect, it } from 'vitest';
import { parseDevice, parseDeviceLong, parseExtraHost } from './host-entries';
import { splitShellWords } from './shell-words';
import { parseBool, parseBytes, parseCpus, parseDuration, parseInteger, parseRestart } from './values';

const value = <T>(p: { ok: true; value: T } | { ok: false; error: string }) => (p.ok ? p.value : `error: ${p.error}`);

describe('compose scalar formats', () => {
  it.each([
    ['1m30s', 90e9],
    ['30s', 30e9],
    ['500ms', 500e6],
    ['1.5h', 5400e9],
    ['2h3m4s', 7384e9],
    ['10us', 10e3],
    ['0', 0],
  ])('duration %s = %d ns', (text, ns) => expect(value(parseDuration(text))).toBe(ns));

  it.each([['30'], ['soon'], ['1d'], [''], ['-5s'], ['5 s']])('duration %j is rejected with an example', (text) => {
    expect(value(parseDuration(text))).toMatch(/is not a duration: write it like 30s/);
  });

  it.each([
    ['512m', 512 * 1024 ** 2],
    ['1g', 1024 ** 3],
    ['1.5G', 1.5 * 1024 ** 3],
    ['100kb', 102400],
    ['64MiB', 64 * 1024 ** 2],
    ['1024', 1024],
    [2048, 2048],
  ])('size %j = %d bytes', (text, bytes) => expect(value(parseBytes(text))).toBe(bytes));

  it('rejects sizes that are not sizes', () => {
    expect(value(parseBytes('lots'))).toBe('error: "lots" is not a size: write it like 512m, 1g or 1048576 (bytes)');
    expect(value(parseBytes(-1))).toMatch(/not a size/);
  });

  it('reads CPU counts as NanoCpus', () => {
    expect([parseCpus('0.5'), parseCpus(2), parseCpus('.25')].map(value)).toEqual([5e8, 2e9, 2.5e8]);
    expect(value(parseCpus('0'))).toMatch(/not a CPU count/);
    expect(value(parseCpus('half'))).toMatch(/not a CPU count/);
  });

  it('reads integers from numbers and interpolated strings, within range', () => {
    expect([parseInteger(3, 0, 10), parseInteger(' 7 ', 0, 10)].map(value)).toEqual([3, 7]);
    expect(value(parseInteger(11, 0, 10))).toBe('error: 11 is out of range (0–10)');
    expect(value(parseInteger('1.5', 0, 10))).toBe('error: "1.5" is not a whole number');
  });

  it('reads booleans as docker compose does', () => {
    expect([true, 'true', 'yes', 'On', false, 'false', 'no', 'off'].map((v) => value(parseBool(v)))).toEqual([true, true, true, true, false, false, false, false]);
    expect(value(parseBool('maybe'))).toBe('error: "maybe" is not true or false');
  });

  it('reads restart policies', () => {
    expect(['no', 'always', 'unless-stopped', 'on-failure', 'on-failure:5'].map((r) => value(parseRestart(r)))).toEqual([
      { name: 'no' },
      { name: 'always' },
      { name: 'unless-stopped' },
      { name: 'on-failure', maxRetries: 0 },
      { name: 'on-failure', maxRetries: 5 },
    ]);
    expect(value(parseRestart('sometimes'))).toMatch(/not a restart policy: use no, always/);
  });
});

describe('shell words', () => {
  it.each([
    ['httpd -f -p 8080', ['httpd', '-f', '-p', '8080']],
    [`sh -c 'echo "hi there"'`, ['sh', '-c', 'echo "hi there"']],
    ['echo "a \\"b\\" $c" d\\ e', ['echo', 'a "b" $c', 'd e']],
    ['  spaced   out  ', ['spaced', 'out']],
    ['empty "" arg', ['empty', '', 'arg']],
  ])('%s', (text, words) => expect(value(splitShellWords(text))).toEqual(words));

  it('rejects an unclosed quote', () => expect(value(splitShellWords("sh -c 'oops"))).toMatch(/quote .* is never closed/));
});

describe('devices and extra hosts', () => {
  it('expands devices to Docker form', () => {
    expect(value(parseDevice('/dev/ttyUSB0'))).toEqual({ pathOnHost: '/dev/ttyUSB0', pathInContainer: '/dev/ttyUSB0', permissions: 'rwm' });
    expect(value(parseDevice('/dev/sda:/dev/xvda:r'))).toEqual({ pathOnHost: '/dev/sda', pathInContainer: '/dev/xvda', permissions: 'r' });
    expect(value(parseDeviceLong('/dev/fuse', undefined, 'rw'))).toEqual({ pathOnHost: '/dev/fuse', pathInContainer: '/dev/fuse', permissions: 'rw' });
    expect(value(parseDevice('ttyUSB0'))).toMatch(/absolute host path/);
    expect(value(parseDevice('/dev/a:/dev/b:rx'))).toMatch(/permissions "rx"/);
  });

  it('writes extra hosts as host:ip', () => {
    expect(['nas:127.0.0.3', 'nas=127.0.0.3', 'v6=::1', 'v6:::1'].map((h) => value(parseExtraHost(h)))).toEqual(['nas:127.0.0.3', 'nas:127.0.0.3', 'v6:::1', 'v6:::1']);
    expect(value(parseExtraHost('nas'))).toMatch(/HOST:IP/);
  });
});
