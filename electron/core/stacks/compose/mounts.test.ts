import { describe, expect, it } from 'vitest';
import { parseVolumeLong, parseVolumeString } from './mounts';

describe('volumes: short syntax', () => {
  it.each([
    ['data:/var/lib/data', { type: 'volume', source: 'data', target: '/var/lib/data', readOnly: false, noCopy: false }],
    ['data:/var/lib/data:ro,nocopy', { type: 'volume', source: 'data', target: '/var/lib/data', readOnly: true, noCopy: true }],
    ['/cache', { type: 'volume', source: null, target: '/cache', readOnly: false, noCopy: false }],
    ['./site:/srv:ro', { type: 'bind', source: './site', target: '/srv', readOnly: true, createHostPath: true }],
    ['/etc/localtime:/etc/localtime:ro', { type: 'bind', source: '/etc/localtime', target: '/etc/localtime', readOnly: true, createHostPath: true }],
    ['~/music:/music:rw,cached', { type: 'bind', source: '~/music', target: '/music', readOnly: false, createHostPath: true }],
  ])('%s', (spec, mount) => expect(parseVolumeString(spec)).toEqual({ ok: true, value: mount }));

  it.each([
    ['data:relative', 'the container path "relative" must be absolute (start with /)'],
    ['./a:/b:Z', 'SELinux relabelling (:Z) is not supported by Rackpilot (yet): relabel the host path on the node and drop :Z'],
    ['./a:/b:rshared', 'mode "rshared" is not supported: use ro, rw or nocopy'],
    ['./a:/b:nocopy', 'nocopy applies to named volumes, not to a host path'],
    ['bad name:/x', '"bad name" is neither a volume name (letters, digits, _ . -) nor a path (start it with ./ or /)'],
    ['a:/b:ro:extra', '"a:/b:ro:extra" has too many ":": write SOURCE:TARGET[:MODE]'],
  ])('rejects %s', (spec, error) => expect(parseVolumeString(spec)).toEqual({ ok: false, error }));
});

describe('volumes: long syntax', () => {
  it('reads volume, bind and tmpfs mounts', () => {
    expect(parseVolumeLong({ type: 'volume', source: 'data', target: '/d', read_only: 'true', volume: { nocopy: true } })).toEqual({
      ok: true,
      value: { type: 'volume', source: 'data', target: '/d', readOnly: true, noCopy: true },
    });
    expect(parseVolumeLong({ type: 'bind', source: './conf', target: '/etc/app', bind: { create_host_path: true } })).toEqual({
      ok: true,
      value: { type: 'bind', source: './conf', target: '/etc/app', readOnly: false, createHostPath: true },
    });
    expect(parseVolumeLong({ type: 'tmpfs', target: '/run', tmpfs: { size: '64m', mode: '1777' } })).toEqual({
      ok: true,
      value: { type: 'tmpfs', target: '/run', sizeBytes: 64 * 1024 ** 2, mode: 0o1777 },
    });
    expect(parseVolumeLong({ type: 'tmpfs', target: '/run', tmpfs: { size: 1000, mode: 0o700 } })).toEqual({
      ok: true,
      value: { type: 'tmpfs', target: '/run', sizeBytes: 1000, mode: 0o700 },
    });
  });

  it.each([
    [{ type: 'bind', target: '/x' }, 'a bind mount needs source: (the host path)'],
    [{ type: 'tmpfs', source: 'x', target: '/x' }, 'a tmpfs mount has no source: remove it'],
    [{ type: 'npipe', source: 'x', target: '/x' }, 'mount type "npipe" is not supported by Rackpilot (yet): use volume, bind or tmpfs'],
    [{ type: 'volume', source: 'x' }, 'the container path (target) is missing'],
    [{ type: 'volume', source: 'x', target: '/x', bind: {} }, 'a volume mount takes volume: options, not bind: or tmpfs:'],
    [{ type: 'tmpfs', target: '/x', tmpfs: { mode: '999' } }, 'tmpfs mode "999" is not an octal file mode like "1777"'],
  ])('rejects %j', (spec, error) => expect(parseVolumeLong(spec)).toEqual({ ok: false, error }));
});
