/**
 * proxyDHCP and full DHCP, wired to the inventory: which MACs get a boot answer (boot-once),
 * unknown MACs recorded as discovered, reservations from node addresses, events on timelines.
 */
import type { BootConfig as BootSettings } from '../../../shared/domain/boot';
import type { Firmware } from '../../../shared/domain/node';
import type { Logger } from '../log';
import type { BootInventory } from '../nodes/boot-inventory';
import type { Db } from '../store/database';
import type { RunningService, ServiceStarter } from './boot-service';
import { DEFAULT_BOOT_FILES, type BootConfig as DhcpBootConfig, type DecideBoot } from './dhcp/boot-choice';
import { Arch, type ClientInfo } from './dhcp/client-info';
import type { DhcpEventSink } from './dhcp/dhcp-events';
import { startDhcpServer } from './dhcp/dhcp-server';
import { resolveLabInterface } from './dhcp/lab-interface';
import { LeasesRepo } from './dhcp/leases-repo';
import { startProxyDhcp } from './dhcp/proxy-dhcp';

export function firmwareOf(client: ClientInfo): Firmware {
  switch (client.arch) {
    case null:
    case Arch.BiosX86:
      return 'bios';
    case Arch.EfiIa32:
    case Arch.EfiBc:
    case Arch.EfiX64:
      return client.httpClient ? 'uefi-http' : 'uefi';
    case Arch.HttpIa32:
    case Arch.HttpX64:
      return 'uefi-http';
    case Arch.EfiArm64:
    case Arch.HttpArm64:
      return 'arm64';
    default:
      return 'unknown';
  }
}

/** Boot-once (DESIGN §4): only a node with an armed install gets a boot answer. */
export function decideBoot(inventory: BootInventory, autoEnrol: () => boolean): DecideBoot {
  return (mac, client) => {
    const decision = inventory.decide(mac);
    if (decision.action === 'unknown') {
      inventory.recordDiscovered(mac, { firmware: firmwareOf(client) });
      return autoEnrol() ? 'boot' : 'ignore';
    }
    inventory.noteFirmware(decision.node.id, firmwareOf(client));
    return decision.action === 'install' ? 'boot' : 'ignore';
  };
}

function dhcpBootConfig(config: BootSettings): DhcpBootConfig {
  return { serverAddress: config.serverAddress, httpPort: config.ports.http, files: DEFAULT_BOOT_FILES, httpBinaryPath: '/ipxe', scriptPath: '/boot.ipxe' };
}

export interface DhcpWiring {
  inventory: BootInventory;
  db: Db;
  log: Logger;
  onEvent: DhcpEventSink;
}

export function proxyDhcpStarter(w: DhcpWiring): ServiceStarter {
  return async (config): Promise<RunningService> => {
    const lab = resolveLabInterface({ address: config.serverAddress, ...(config.interfaceName ? { interface: config.interfaceName } : {}) });
    const service = await startProxyDhcp({
      device: lab.name,
      boot: dhcpBootConfig(config),
      decide: decideBoot(w.inventory, () => config.autoEnrol),
      log: w.log,
      ports: { server: config.ports.dhcp, pxe: config.ports.proxy },
      onEvent: w.onEvent,
    });
    return { address: `${lab.address} (${lab.name})`, port: service.ports.server, close: () => service.stop() };
  };
}

export function dhcpStarter(w: DhcpWiring): ServiceStarter {
  return async (config): Promise<RunningService> => {
    const lab = resolveLabInterface({ address: config.serverAddress, ...(config.interfaceName ? { interface: config.interfaceName } : {}) });
    const pool = config.dhcpPool;
    if (!pool) {
      throw new (await import('../../../shared/errors')).RackpilotError('E_VALIDATION', 'Full DHCP needs an address pool: set its first and last address on the Boot page.');
    }
    const service = await startDhcpServer({
      device: lab.name,
      interfaceMac: lab.mac,
      net: {
        serverAddress: lab.address,
        subnetMask: pool.subnetMask,
        pool: { start: pool.start, end: pool.end },
        ...(pool.router ? { router: pool.router } : {}),
        dnsServers: pool.dns,
        leaseSeconds: pool.leaseSeconds,
      },
      leases: new LeasesRepo(w.db),
      reservations: { reservationFor: (mac) => w.inventory.reservedAddressFor(mac) },
      boot: { config: dhcpBootConfig(config), decide: decideBoot(w.inventory, () => config.autoEnrol) },
      log: w.log,
      ports: { server: config.ports.dhcp },
      onEvent: w.onEvent,
      force: config.forceDhcp,
    });
    return { address: `${lab.address} (${lab.name})`, port: config.ports.dhcp, close: () => service.stop() };
  };
}
