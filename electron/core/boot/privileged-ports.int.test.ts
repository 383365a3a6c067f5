/**
 * A desktop user without root starting the boot services on the real ports (67, 69, 80) gets,
 * per service, E_PORT_PRIVILEGED with how to grant the capability — the real server process,
 * run as `nobody`, not a simulated error.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCore, startServerProcess, type ServerProcess } from '../testing/server-process';
import { tempDir } from '../testing/temp-app';

let proc: ServerProcess | undefined;
beforeAll(() => buildCore());
afterAll(async () => {
  await proc?.stop();
});

describe('boot services on privileged ports without privileges', () => {
  it('shows E_PORT_PRIVILEGED with the setcap fix next to each service, and keeps serving the API', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    const data = join(dir, 'data');
    mkdirSync(data, { mode: 0o777 });
    chmodSync(data, 0o777);
    proc = await startServerProcess(data, [], { unprivileged: true });
    const client = await proc.connect();
    await client.call('boot.configure', { serverAddress: '127.0.0.1', interfaceName: 'lo', ports: { dhcp: 67, proxy: 4011, tftp: 69, http: 80 } });
    const status = await client.call('boot.start', {});
    for (const service of status.services) {
      expect(service, service.name).toMatchObject({ state: 'failed', error: { code: 'E_PORT_PRIVILEGED', message: expect.stringMatching(/setcap|CAP_NET_BIND_SERVICE/) } });
    }
    expect(await client.call('system.info', {})).toMatchObject({ product: 'Rackpilot' });
  });
});
