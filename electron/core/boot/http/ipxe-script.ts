/**
 * The iPXE scripts the boot server hands out. iPXE expands `${…}` everywhere in a script line,
 * so text we echo is reduced to harmless characters; URLs and command lines come from validated
 * node fields and profile templates (checked to be one line).
 */
import type { InstallBoot } from '../profiles/render';

export type LocalBoot = 'exit' | 'sanboot' | '404';

/** For echo lines: no `$` (expansion), no `#`/`;`-like surprises, no line breaks. */
export function echoSafe(text: string): string {
  return text.replace(/[^\w .,:()/@+=-]/g, '?').slice(0, 200);
}

export function installScript(nodeName: string, profileName: string, boot: InstallBoot): string {
  // UEFI kernels find their initrd by name (initrd=<name>); BIOS ignores the argument.
  const initrdName = 'initrd';
  return [
    '#!ipxe',
    `echo Rackpilot: installing ${echoSafe(profileName)} on ${echoSafe(nodeName)}`,
    `kernel ${boot.kernelUrl} initrd=${initrdName} ${boot.cmdline} || goto failed`,
    `initrd --name ${initrdName} ${boot.initrdUrl} || goto failed`,
    'boot || goto failed',
    ':failed',
    `echo Rackpilot: could not boot the installer for ${echoSafe(nodeName)}; booting the local disk in 10 s`,
    'sleep 10',
    'exit',
    '',
  ].join('\n');
}

/** Local boot as a script; `404` is answered with an HTTP 404 instead (see the server). */
export function localBootScript(nodeName: string, how: Exclude<LocalBoot, '404'>): string {
  const line = how === 'sanboot' ? 'sanboot --no-describe --drive 0x80 || exit' : 'exit';
  return ['#!ipxe', `echo Rackpilot: ${echoSafe(nodeName)} boots from its local disk`, line, ''].join('\n');
}

/**
 * DHCP boot file names cannot carry iPXE variables everywhere, so a request without `mac`
 * gets a script that asks again with it (the matchbox pattern). `netX` is the interface iPXE
 * booted from, which matters on machines with several NICs.
 */
export function askForMacScript(baseUrl: string): string {
  return ['#!ipxe', `chain --replace --autofree ${baseUrl}/boot.ipxe?mac=\${netX/mac}&platform=\${platform}&arch=\${buildarch} || exit`, ''].join('\n');
}

export function messageScript(lines: string[], pauseSeconds = 5): string {
  return ['#!ipxe', ...lines.map((l) => `echo Rackpilot: ${echoSafe(l)}`), `sleep ${pauseSeconds}`, 'exit', ''].join('\n');
}
