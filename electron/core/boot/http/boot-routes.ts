/**
 * GET /boot.ipxe?mac=… — what this machine should do now, from its place in the lifecycle:
 * install its armed profile, boot its local disk, or (unknown MAC) get recorded as discovered.
 */
import type { ServerResponse } from 'node:http';
import type { Firmware, Node } from '../../../../shared/domain/node';
import { normaliseMac } from '../../../../shared/domain/net';
import type { BootContext } from './context';
import { askForMacScript, installScript, localBootScript, messageScript } from './ipxe-script';

/** iPXE's ${platform} and ${buildarch}, as the self-chain sends them. */
function firmwareOf(platform: string | null, arch: string | null): Firmware | undefined {
  if (platform === 'pcbios') return 'bios';
  if (platform === 'efi') return arch === 'arm64' ? 'arm64' : 'uefi';
  return undefined;
}

function sendScript(res: ServerResponse, script: string): void {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(script) });
  res.end(script);
}

export function serveBootScript(ctx: BootContext, res: ServerResponse, query: URLSearchParams, client: string, baseUrl: string): void {
  const rawMac = query.get('mac');
  if (rawMac === null) {
    sendScript(res, askForMacScript(baseUrl));
    return;
  }
  const mac = normaliseMac(rawMac);
  if (!mac.ok) {
    ctx.log.warn('boot.ipxe request with a bad MAC; sent local boot', { client, mac: rawMac.slice(0, 40) });
    sendScript(res, messageScript([`this boot request carried no valid MAC address (${mac.message}).`, 'Booting from the local disk. The DHCP boot file should be .../boot.ipxe?mac= followed by the MAC.']));
    return;
  }
  const firmware = firmwareOf(query.get('platform'), query.get('arch'));
  let decision = ctx.inventory.decide(mac.mac);
  if (decision.action === 'unknown') {
    const node = ctx.inventory.recordDiscovered(mac.mac, { ...(firmware ? { firmware } : {}), ip: client });
    if (ctx.options.autoEnrolProfileId) {
      try {
        ctx.inventory.requestInstall(node.id, ctx.options.autoEnrolProfileId);
      } catch (err) {
        ctx.log.warn('auto-enrol could not arm the discovery profile', { node: node.name, error: err instanceof Error ? err.message : String(err) });
      }
    }
    decision = ctx.inventory.decide(mac.mac);
  }
  if (decision.action === 'unknown') {
    // Recorded a moment ago, so this is a race with a delete: boot local, the next boot records it.
    sendScript(res, localBootScript(mac.mac, ctx.options.localBoot === 'sanboot' ? 'sanboot' : 'exit'));
    return;
  }
  const node: Node = decision.node;
  ctx.clients.remember(client, node.id);
  if (firmware) ctx.inventory.noteFirmware(node.id, firmware);

  if (decision.action === 'install') {
    try {
      const rendered = ctx.profiles.render(decision.profileId, node, decision.seedToken, { baseUrl, adminPublicKeys: ctx.adminPublicKeys() }, ctx.options.extraInterfaces?.(node.id) ?? []);
      sendScript(res, installScript(node.name, rendered.profile.name, rendered.boot));
      ctx.timeline(node.id, `served boot.ipxe (install ${rendered.profile.name})`, { profileId: decision.profileId, client });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      ctx.timeline(node.id, `could not render the install of ${decision.profileId}: ${message}`, { error: message }, 'boot.error');
      sendScript(res, messageScript([`cannot install ${node.name}: ${message}`, 'Booting from the local disk; fix the profile in Rackpilot and reboot.'], 15));
    }
    return;
  }
  const how = ctx.options.localBoot;
  ctx.timeline(node.id, `served boot.ipxe (local boot: ${how})`, { client });
  if (how === '404') {
    // iPXE then gives up on the network and the firmware tries the next boot device.
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${node.name} boots from its local disk\n`);
    return;
  }
  sendScript(res, localBootScript(node.name, how));
}
