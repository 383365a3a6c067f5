import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-app';
import { loadOrCreateKey } from './keys';

describe("Rackpilot's SSH key", () => {
  it('is created once, 0600, and read back the same on the next start', () => {
    const dir = tempDir();
    const first = loadOrCreateKey({ dataDir: dir });
    const again = loadOrCreateKey({ dataDir: dir });
    expect(again.publicKey).toEqual(first.publicKey);
    expect(statSync(join(dir, 'ssh', 'rackpilot_ed25519')).mode & 0o777).toBe(0o600);
  });

  it('always reads back after creation (ssh2 now and then generates keys its own parser rejects)', () => {
    // About 3 in 1,000 raw ssh2 keys fail to parse; 600 creations would all but surely hit one.
    for (let i = 0; i < 600; i++) expect(loadOrCreateKey({ dataDir: tempDir() }).publicKey.type).toBe('ssh-ed25519');
  });
});

describe('sealed key files', () => {
  // A reversible box standing in for the OS keychain (safeStorage exists only inside Electron).
  const xorBox = { kind: 'test-xor', encrypt: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)), decrypt: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)) };

  it('seals with the box, names it, and never writes the key in the clear', () => {
    const dir = tempDir();
    const key = loadOrCreateKey({ dataDir: dir, box: xorBox });
    const text = readFileSync(join(dir, 'ssh', 'rackpilot_ed25519'), 'utf8');
    expect(text.startsWith('RACKPILOT-SEALED-KEY test-xor\n')).toBe(true);
    expect(text).not.toContain('OPENSSH PRIVATE KEY');
    expect(loadOrCreateKey({ dataDir: dir, box: xorBox }).publicKey).toEqual(key.publicKey);
  });

  it('seals a plain key the first time a box is available, keeping the same key', () => {
    const dir = tempDir();
    const plain = loadOrCreateKey({ dataDir: dir });
    expect(readFileSync(join(dir, 'ssh', 'rackpilot_ed25519'), 'utf8')).toContain('OPENSSH PRIVATE KEY');
    expect(loadOrCreateKey({ dataDir: dir, box: xorBox }).publicKey).toEqual(plain.publicKey);
    expect(readFileSync(join(dir, 'ssh', 'rackpilot_ed25519'), 'utf8')).not.toContain('OPENSSH PRIVATE KEY');
    expect(statSync(join(dir, 'ssh', 'rackpilot_ed25519')).mode & 0o777).toBe(0o600);
  });

  it('a sealed key without its box gives a message that says which app can open it', () => {
    const dir = tempDir();
    loadOrCreateKey({ dataDir: dir, box: xorBox });
    expect(() => loadOrCreateKey({ dataDir: dir })).toThrow(/sealed with test-xor.*start the Rackpilot that created it/);
  });
});
