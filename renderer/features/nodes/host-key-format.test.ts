import { describe, expect, it } from 'vitest';
import { fingerprintCommand, fingerprintSentence, keyTypeLabel } from './host-key-format';

describe('host key wording', () => {
  it('names key types and fingerprints the way OpenSSH prints them', () => {
    expect(keyTypeLabel('ssh-ed25519')).toBe('ED25519');
    expect(keyTypeLabel('ecdsa-sha2-nistp256')).toBe('ECDSA');
    expect(keyTypeLabel('ssh-rsa')).toBe('RSA');
    expect(keyTypeLabel('ssh-dss')).toBe('ssh-dss');
    expect(fingerprintSentence({ type: 'ssh-ed25519', fingerprint: 'SHA256:abc' })).toBe('ED25519 key fingerprint is SHA256:abc.');
  });

  it('tells which file on the node to check', () => {
    expect(fingerprintCommand('ssh-ed25519')).toBe('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    expect(fingerprintCommand('ecdsa-sha2-nistp384')).toBe('ssh-keygen -lf /etc/ssh/ssh_host_ecdsa_key.pub');
    expect(fingerprintCommand('ssh-rsa')).toBe('ssh-keygen -lf /etc/ssh/ssh_host_rsa_key.pub');
    expect(fingerprintCommand('other')).toMatch(/ssh_host_\*_key\.pub/);
  });
});
