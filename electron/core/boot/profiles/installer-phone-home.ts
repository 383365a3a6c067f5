/** The installers' phone-home step (Ubuntu late-commands, Debian late_command). */

/**
 * Posts the target system's host keys the way cloud-init's phone_home does (form fields
 * pub_key_*, hostname, instance_id), from the installer, with the target's own curl.
 * `ssh-keygen -A` first: it creates only the key types that are missing.
 */
export function installerPhoneHome(inTarget: string): string {
  const fields = ['ed25519', 'ecdsa', 'rsa']
    .map((t) => `--data-urlencode pub_key_${t}@/etc/ssh/ssh_host_${t}_key.pub`)
    .join(' ');
  return `${inTarget} ssh-keygen -A; ${inTarget} curl -fsS --retry 10 --retry-connrefused -o /dev/null ${fields} --data-urlencode hostname={{node.name}} --data-urlencode instance_id=installer-{{instanceId}} {{phoneHomeUrl}}`;
}
