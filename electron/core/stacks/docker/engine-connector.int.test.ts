import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ENGINE } from '../../../../shared/domain/stack';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { createLogger } from '../../log';
import { requireDocker } from '../../testing/docker';
import { EngineConnector } from './engine-connector';
import { dialStdioProcesses, forwardedDockerSockets, printingScript, startEngineTestEnv, tcpConnectionsTo, type EngineTestEnv } from './engine-test-env';

const skip = requireDocker();
const project = `rpt-engine-${process.pid}`;
let env: EngineTestEnv;

async function caught(p: Promise<unknown>): Promise<RackpilotError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RackpilotError) return err;
    throw err;
  }
  throw new Error('expected a RackpilotError');
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(skip)('EngineConnector', () => {
  beforeAll(async () => {
    env = await startEngineTestEnv();
    env.runService(project, 'app', printingScript());
  });

  afterAll(async () => {
    env?.removeProject(project);
    await env?.close();
  });

  it('reaches the engine through sshd socket forwarding on the pooled connection', async () => {
    const conn = await env.connector.connect('fwd');
    expect(conn.transport).toBe('stream-local');
    const info = await env.connector.info('fwd');
    expect(info).toMatchObject({ nodeId: 'fwd', transport: 'stream-local' });
    expect(info.apiVersion).toMatch(/^1\.\d+$/);
    const list = await conn.docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`] } });
    expect(list.map((c) => c.Labels['com.docker.compose.service'])).toEqual(['app']);
    // Answered requests leave no channel behind, on our side or the node's.
    await until(() => env.connector.openChannels('fwd') === 0 && forwardedDockerSockets(env.user.name) === 0, 'channels to close');
  });

  it('caches the transport per node', async () => {
    const a = await env.connector.connect('fwd');
    const b = await env.connector.connect('fwd');
    expect(b).toBe(a);
    env.connector.forget('fwd');
    const c = await env.connector.connect('fwd');
    expect(c).not.toBe(a);
    expect(c.transport).toBe('stream-local');
  });

  it('runs many concurrent requests over one SSH connection', async () => {
    const { docker } = await env.connector.connect('fwd');
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? docker.listContainers({ all: true }) : docker.listImages())),
    );
    expect(results).toHaveLength(40);
    expect(tcpConnectionsTo(env.sshd.port)).toBe(1);
    expect(env.ssh.status('fwd')?.state).toBe('connected');
  });

  it("falls back to `docker system dial-stdio` where sshd forbids socket forwarding", async () => {
    const conn = await env.connector.connect('nofwd');
    expect(conn.transport).toBe('dial-stdio');
    const [list, version] = await Promise.all([
      conn.docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`] } }),
      env.connector.info('nofwd'),
    ]);
    expect(list).toHaveLength(1);
    expect(version.transport).toBe('dial-stdio');
    expect(tcpConnectionsTo(env.noForwardSshd.port)).toBe(1);
    // Each request's relay exits with its response.
    await until(() => dialStdioProcesses(env.user.name) === 0 && env.connector.openChannels('nofwd') === 0, 'the relays to exit');
  });

  it('says Docker is not running where the node has no engine socket', async () => {
    const elsewhere = new EngineConnector({ ssh: env.ssh, log: createLogger('error'), targetOf: (id) => env.targets[id as 'fwd'], nodeSocket: '/run/rpt-none/docker.sock' });
    for (const node of ['fwd', 'nofwd']) {
      const err = await caught(elsewhere.connect(node));
      expect(err.code).toBe('E_DOCKER_UNAVAILABLE');
      expect(err.message).toBe(`Docker is not running on ${node} (no /run/rpt-none/docker.sock): install docker.io and start it (apt-get install docker.io; systemctl enable --now docker).`);
    }
  });

  it('tells a user outside the docker group how to get in', async () => {
    const err = await caught(env.connector.connect('outsider'));
    expect(err.code).toBe('E_DOCKER_PERMISSION');
    expect(err.message).toContain(`usermod -aG docker ${env.outsider.name}`);
  });

  it('fails with the SSH error, promptly, when the node is unreachable', async () => {
    const err = await caught(env.connector.connect('closed'));
    expect(err.code).toBe(ErrorCode.SshUnreachable);
    expect(err.message).toContain('127.0.0.1');
  }, 15_000);

  it('rejects an aborted connect without a channel left open', async () => {
    env.connector.forget('fwd');
    const ctl = new AbortController();
    const p = env.connector.connect('fwd', ctl.signal);
    ctl.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await until(() => forwardedDockerSockets(env.user.name) === 0, 'the channel to close');
  });

  it('reaches the local engine on its socket, and says so when there is none', async () => {
    const local = await env.connector.connect(LOCAL_ENGINE);
    expect(local.transport).toBe('local-socket');
    expect((await env.connector.info(LOCAL_ENGINE)).serverVersion).toBeTruthy();
    const none = new EngineConnector({ ssh: env.ssh, log: createLogger('error'), targetOf: () => env.targets.fwd, localSocket: '/nonexistent/docker.sock' });
    const err = await caught(none.connect(LOCAL_ENGINE));
    expect(err.code).toBe('E_DOCKER_UNAVAILABLE');
    expect(err.message).toContain('this computer');
  });
});
