/** SSH host keys as cloud-init reports them, with fingerprints computed the way OpenSSH prints them. */
import { createHash } from 'node:crypto';
import type { HostKey } from '../../../shared/domain/node';

const KEY_TYPES = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;

/** `SHA256:<base64 without padding>` of the decoded key blob, as `ssh-keygen -lf` shows. */
export function fingerprint(keyBase64: string): string {
  return 'SHA256:' + createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('base64').replace(/=+$/, '');
}

/**
 * Parses one `type base64 [comment]` line (an OpenSSH public key). Returns null for anything
 * else, including a blob whose embedded type disagrees with the stated one.
 */
export function parsePublicKey(line: string): HostKey | null {
  const [type, key] = line.trim().split(/\s+/);
  if (!type || !key || !KEY_TYPES.test(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return null;
  const blob = Buffer.from(key, 'base64');
  const nameLength = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (nameLength <= 0 || 4 + nameLength > blob.length || blob.subarray(4, 4 + nameLength).toString('latin1') !== type) return null;
  return { type, key, fingerprint: fingerprint(key) };
}
