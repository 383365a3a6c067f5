import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { BootStatus } from '../../../shared/domain/boot';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { EventBus } from '../events/bus';
import { createLogger } from '../log';
import { openStore } from '../store/database';
import { SettingsRepo } from '../store/settings-repo';
import { tempDir } from '../testing/temp-app';
import { BootService, type BootStarters, type ServiceStarter } from './boot-service';

const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/** A starter that really listens on a TCP port (standing in for one boot protocol's listener). */
const listening: ServiceStarter = (config) =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    servers.push(srv);
    srv.once('error', (err: NodeJS.ErrnoException) => reject(new RackpilotError(err.code === 'EADDRINUSE' ? 'E_PORT_IN_USE' : ErrorCode.Internal, `port busy: ${err.message}`)));
    srv.listen(0, config.serverAddress, () => {
      const { port } = srv.address() as { port: number };
      resolve({ address: config.serverAddress, port, close: () => new Promise<void>((r) => srv.close(() => r())) });
    });
  });

function service(overrides: Partial<BootStarters> = {}) {
  const { db } = openStore(tempDir());
  const bus = new EventBus();
  const pushed: BootStatus[] = [];
  bus.subscribe((ch, d) => {
    if (ch === 'boot.status') pushed.push(d as BootStatus);
  });
  const starters: BootStarters = {
    http: listening,
    tftp: listening,
    proxyDhcp: listening,
    dhcp: listening,
    ipxe: async () => ({ found: ['undionly.kpxe'], missing: [], message: null }),
    ...overrides,
  };
  return { boot: new BootService(new SettingsRepo(db), starters, bus, createLogger('error')), pushed, db };
}

describe('boot service', () => {
  it('defaults to proxyDHCP and refuses to start before the lab address is chosen', async () => {
    const { boot } = service();
    expect((await boot.status()).config.mode).toBe('proxy');
    await expect(boot.start()).rejects.toThrow(/Choose the lab network first/);
  });

  it('starts every service, reports each, and stops them', async () => {
    const { boot, pushed } = service();
    await boot.configure({ serverAddress: '127.0.0.1' });
    const started = await boot.start();
    expect(started.services.map((s) => [s.name, s.state])).toEqual([['http', 'listening'], ['tftp', 'listening'], ['proxy-dhcp', 'listening']]);
    expect(started.services.every((s) => s.port && s.port > 0)).toBe(true);
    const stopped = await boot.stop();
    expect(stopped.running).toBe(false);
    expect(pushed.at(-1)?.running).toBe(false);
  });

  it('keeps the others serving when one service cannot start, and says why next to it', async () => {
    const privileged: ServiceStarter = async () => {
      throw new RackpilotError('E_PORT_PRIVILEGED', 'Port 67 needs root or CAP_NET_BIND_SERVICE.');
    };
    const { boot } = service({ proxyDhcp: privileged });
    await boot.configure({ serverAddress: '127.0.0.1' });
    const status = await boot.start();
    expect(status.services.find((s) => s.name === 'proxy-dhcp')).toMatchObject({ state: 'failed', error: { code: 'E_PORT_PRIVILEGED' } });
    expect(status.services.find((s) => s.name === 'http')?.state).toBe('listening');
    await boot.stop();
  });

  it('validates and persists configuration, and switches to full DHCP only when asked', async () => {
    const { boot, db } = service();
    await expect(boot.configure({ serverAddress: '10.0.0.300' })).rejects.toThrow();
    await boot.configure({ serverAddress: '127.0.0.1', mode: 'dhcp' });
    expect(new BootService(new SettingsRepo(db), {} as BootStarters, new EventBus(), createLogger('error')).config()).toMatchObject({ mode: 'dhcp', serverAddress: '127.0.0.1' });
    const status = await boot.start();
    expect(status.services.map((s) => s.name)).toEqual(['http', 'tftp', 'dhcp']);
    await boot.close();
  });

  it('lists this machine’s IPv4 interfaces', () => {
    const { boot } = service();
    expect(boot.interfaces().find((i) => i.name === 'lo')?.addresses[0]?.address).toBe('127.0.0.1');
  });
});
