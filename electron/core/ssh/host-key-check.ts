/**
 * Host-key pinning (DESIGN §5.7): a node's keys are pinned from cloud-init's phone-home before
 * the first connection, so the presented key is compared with pins — there is no trust-on-first-
 * use gap. No pin is a refusal too, carrying the presented key so the user can accept it.
 */
import type { HostKey } from '../../../shared/domain/node';
import type { HostKeyMismatchDetails, HostKeyUnknownDetails } from '../../../shared/domain/ssh';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { fingerprint } from '../nodes/host-keys';

/** The key type named inside an SSH public key blob (its first string). */
export function blobKeyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return len > 0 && 4 + len <= blob.length ? blob.subarray(4, 4 + len).toString('latin1') : 'unknown';
}

export function hostKeyFromBlob(blob: Buffer): HostKey {
  const key = blob.toString('base64');
  return { type: blobKeyType(blob), key, fingerprint: fingerprint(key) };
}

export type HostKeyVerdict = { ok: true; presented: HostKey } | { ok: false; presented: HostKey; error: RackpilotError };

/**
 * Accepts the presented key when its fingerprint equals one of the pinned ones. The server picks
 * one of its keys; since all of its keys are pinned, any of them matching is proof of identity.
 */
export function checkHostKey(where: string, pinned: readonly HostKey[], blob: Buffer): HostKeyVerdict {
  const presented = hostKeyFromBlob(blob);
  if (pinned.length === 0) {
    const details: HostKeyUnknownDetails = { presented };
    return {
      ok: false,
      presented,
      error: new RackpilotError(
        ErrorCode.SshHostKeyUnknown,
        `${where} has no pinned host key yet. It presented ${presented.type} ${presented.fingerprint}. Compare it with \`ssh-keygen -lf /etc/ssh/ssh_host_${shortType(presented.type)}_key.pub\` on the node's console, then accept it — or reinstall the node so its keys are pinned automatically.`,
        details,
      ),
    };
  }
  if (pinned.some((p) => p.fingerprint === presented.fingerprint)) return { ok: true, presented };
  const details: HostKeyMismatchDetails = { pinned: pinned.map((p) => `${p.type} ${p.fingerprint}`), presented };
  return {
    ok: false,
    presented,
    error: new RackpilotError(
      ErrorCode.SshHostKeyMismatch,
      `${where} presented host key ${presented.type} ${presented.fingerprint}, but Rackpilot pinned ${details.pinned.join(', ')}. ` +
        'Rackpilot refused to connect: the machine at this address is not the one it knows (a reinstall outside Rackpilot, a different machine on that address, or an attack). ' +
        'If you reinstalled it yourself, check the new fingerprint on its console and accept the new key; a reinstall through Rackpilot pins the new keys by itself.',
      details,
    ),
  };
}

function shortType(type: string): string {
  if (type === 'ssh-ed25519') return 'ed25519';
  if (type.startsWith('ecdsa')) return 'ecdsa';
  if (type === 'ssh-rsa') return 'rsa';
  return '*';
}
