/** Host keys as OpenSSH talks about them (pure): "ED25519 key fingerprint is SHA256:…". */
import type { HostKey } from '../../../shared/domain/node';

/** ssh-ed25519 → ED25519, ecdsa-sha2-nistp256 → ECDSA, ssh-rsa → RSA, as ssh prints key types. */
export function keyTypeLabel(type: string): string {
  if (type.includes('ed25519')) return 'ED25519';
  if (type.includes('ecdsa')) return 'ECDSA';
  if (type === 'ssh-rsa') return 'RSA';
  return type;
}

/** The sentence ssh prints on first contact, so the user can hold it next to the node's console. */
export function fingerprintSentence(key: Pick<HostKey, 'type' | 'fingerprint'>): string {
  return `${keyTypeLabel(key.type)} key fingerprint is ${key.fingerprint}.`;
}

/** The command that prints this key's fingerprint on the node itself. */
export function fingerprintCommand(type: string): string {
  const file = type.includes('ed25519') ? 'ed25519' : type.includes('ecdsa') ? 'ecdsa' : type === 'ssh-rsa' ? 'rsa' : null;
  return file ? `ssh-keygen -lf /etc/ssh/ssh_host_${file}_key.pub` : 'for f in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf "$f"; done';
}
