/**
 * Runs Rackpilot's proxyDHCP or full DHCP server inside a test namespace. argv[2] is JSON config.
 * Prints {"ready":…} or {"error":…}, then one {"event":…} line per DHCP event; stops on SIGTERM.
 */
import { DEFAULT_BOOT_FILES } from '../boot-choice';
import type { DhcpEvent } from '../dhcp-events';
import { startProxyDhcp, type DhcpPorts } from '../proxy-dhcp';
import type { Logger } from '../../../log';
import { openStore } from '../../../store/database';
import { startDhcpServer } from '../dhcp-server';
import { LeasesRepo } from '../leases-repo';

interface ServerArgs {
  device: string | null;
  serverAddress: string;
  ports?: Partial<DhcpPorts>;
  ignoreMacs?: string[];
  /** Full DHCP instead of proxy: the data dir for its SQLite store, and the pool. */
  dhcp?: { dataDir: string; interfaceMac: string; pool: { start: string; end: string }; force?: boolean; reservations?: Record<string, string> };
}

const args = JSON.parse(process.argv[2] ?? '{}') as ServerArgs;
const out = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');
const log: Logger = {
  debug: () => undefined,
  info: (m, f) => out({ log: 'info', m, f }),
  warn: (m, f) => out({ log: 'warn', m, f }),
  error: (m, f) => out({ log: 'error', m, f }),
};

const boot = { serverAddress: args.serverAddress, httpPort: 8080, files: DEFAULT_BOOT_FILES, httpBinaryPath: '/ipxe', scriptPath: '/boot.ipxe' };
const dhcp = args.dhcp;
const started = dhcp
  ? startDhcpServer({
      device: args.device,
      interfaceMac: dhcp.interfaceMac,
      net: { serverAddress: args.serverAddress, subnetMask: '255.255.255.0', pool: dhcp.pool, router: args.serverAddress, leaseSeconds: 600 },
      leases: new LeasesRepo(openStore(dhcp.dataDir).db),
      reservations: { reservationFor: (mac) => dhcp.reservations?.[mac] ?? null, reservedAddresses: () => Object.values(dhcp.reservations ?? {}) },
      boot: { config: boot, decide: () => 'boot' },
      log,
      ports: args.ports,
      force: dhcp.force ?? false,
      probeTimeoutMs: 4500,
      onEvent: (e: DhcpEvent) => out({ event: e }),
    }).then((svc) => ({ ports: { server: args.ports?.server ?? 67 }, others: svc.otherServers, stop: () => svc.stop() }))
  : startProxyDhcp({
  device: args.device,
  boot,
  decide: (mac) => {
    out({ heard: mac });
    return (args.ignoreMacs ?? []).includes(mac) ? 'ignore' : 'boot';
  },
  log,
  ports: args.ports,
  onEvent: (e: DhcpEvent) => out({ event: { ...e, client: undefined } }),
});
started.then(
  (svc) => {
    out({ ready: svc.ports, others: 'others' in svc ? svc.others : [] });
    process.on('SIGTERM', () => void svc.stop().then(() => process.exit(0)));
  },
  (err: { code?: string; message?: string }) => {
    out({ error: { code: err.code, message: err.message } });
    process.exit(1);
  },
);
