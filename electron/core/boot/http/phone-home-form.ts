/**
 * cloud-init's phone_home POST (cc_phone_home): an application/x-www-form-urlencoded body with
 * pub_key_rsa, pub_key_ecdsa, pub_key_ed25519 (contents of /etc/ssh/ssh_host_*_key.pub),
 * instance_id, hostname and fqdn; a value it could not read is sent as "N/A". Older releases
 * also send pub_key_dsa — DSA is obsolete in OpenSSH and is not pinned.
 */
import type { HostKey } from '../../../../shared/domain/node';
import { parsePublicKey } from '../../nodes/host-keys';

export const KEY_FIELDS = ['pub_key_ed25519', 'pub_key_ecdsa', 'pub_key_rsa'] as const;

export interface PhoneHomeForm {
  hostKeys: HostKey[];
  hostname?: string;
  fqdn?: string;
  instanceId?: string;
}

export type FormResult = { ok: true; form: PhoneHomeForm } | { ok: false; message: string };

const present = (v: string | null): v is string => v !== null && v.trim() !== '' && v.trim() !== 'N/A';

export function parsePhoneHomeForm(body: string): FormResult {
  const params = new URLSearchParams(body);
  const hostKeys: HostKey[] = [];
  for (const field of KEY_FIELDS) {
    const value = params.get(field);
    if (!present(value)) continue;
    const key = parsePublicKey(value);
    if (!key) return { ok: false, message: `${field} is not an OpenSSH public key (expected "<type> <base64> [comment]").` };
    hostKeys.push(key);
  }
  const form: PhoneHomeForm = { hostKeys };
  const text = (name: string) => {
    const v = params.get(name);
    return present(v) ? v.trim().slice(0, 255) : undefined;
  };
  const hostname = text('hostname');
  const fqdn = text('fqdn');
  const instanceId = text('instance_id');
  if (hostname) form.hostname = hostname;
  if (fqdn) form.fqdn = fqdn;
  if (instanceId) form.instanceId = instanceId;
  return { ok: true, form };
}
