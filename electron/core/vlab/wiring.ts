/** Builds the practice rack and the power drivers for the composition root (app.ts). */
import type { BootService } from '../boot/boot-service';
import type { BootEndpoint } from './lab-network';
import { PowerService } from './power/power-service';
import { QemuPowerDriver } from './power/qemu-driver';
import { VlabService, type VlabDeps } from './vlab-service';

/** Where the boot HTTP server is configured and whether it listens: what the nodes' DHCP points at. */
export function bootEndpointOf(boot: BootService): () => Promise<BootEndpoint> {
  return async () => {
    const status = await boot.status();
    const http = status.services.find((s) => s.name === 'http');
    return { port: http?.port ?? status.config.ports.http, listening: http?.state === 'listening', address: status.config.serverAddress };
  };
}

export function createVlab(deps: VlabDeps): { vlab: VlabService; power: PowerService } {
  const vlab = new VlabService(deps);
  return { vlab, power: new PowerService(deps.nodes, [new QemuPowerDriver(vlab)]) };
}
