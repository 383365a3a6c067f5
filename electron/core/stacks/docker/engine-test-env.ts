/**
 * Test fixture for the engine over SSH: a real sshd on loopback (one with socket forwarding, one
 * with `AllowStreamLocalForwarding no`), throwaway users in and out of the docker group, a real
 * SshService and an EngineConnector, plus helpers to run labelled containers and to see from the
 * node's side which SSH channels still hold Docker's socket.
 */
import { spawnSync } from 'node:child_process';
import { createLogger } from '../../log';
import { createSshService, type SshService } from '../../ssh/ssh-service';
import type { SshTarget } from '../../ssh/target';
import { docker, testImages } from '../../testing/docker';
import { createTestUser, freePort, startSshd, type TestSshd, type TestUser } from '../../testing/sshd';
import { tempDir } from '../../testing/temp-app';
import { EngineConnector } from './engine-connector';

export interface EngineTestEnv {
  ssh: SshService;
  connector: EngineConnector;
  sshd: TestSshd;
  noForwardSshd: TestSshd;
  /** In the docker group. */
  user: TestUser;
  /** Not in the docker group. */
  outsider: TestUser;
  /** Node ids: 'fwd' (forwarding), 'nofwd' (dial-stdio), 'outsider', 'closed' (nothing listens). */
  targets: Record<'fwd' | 'nofwd' | 'outsider' | 'closed', SshTarget>;
  image: string;
  /** Starts a container labelled as a compose project's service; returns its id. */
  runService(project: string, service: string, script: string, opts?: { tty?: boolean }): string;
  /** Removes every container of the project. */
  removeProject(project: string): void;
  close(): Promise<void>;
}

export async function startEngineTestEnv(): Promise<EngineTestEnv> {
  const log = createLogger('error');
  const ssh = createSshService({ dataDir: tempDir(), log, readyTimeoutMs: 10_000 });
  const key = ssh.publicKey!.authorizedKey;
  const user = createTestUser('none');
  const outsider = createTestUser('none');
  const usermod = spawnSync('usermod', ['-aG', 'docker', user.name]);
  if (usermod.status !== 0) throw new Error(`usermod failed: ${usermod.stderr.toString()}`);
  const keys = { [user.name]: [key], [outsider.name]: [key] };
  const sshd = await startSshd({ authorizedKeys: keys });
  const noForwardSshd = await startSshd({ authorizedKeys: keys, extraConfig: ['AllowStreamLocalForwarding no'] });
  const closedPort = await freePort();
  const t = (nodeId: string, s: { port: number; hostKey: SshTarget['hostKeys'][number] } | null, u: TestUser, port = s?.port ?? closedPort): SshTarget => ({
    nodeId,
    name: nodeId,
    address: '127.0.0.1',
    port,
    user: u.name,
    hostKeys: s ? [s.hostKey] : [sshd.hostKey],
  });
  const targets = {
    fwd: t('fwd', sshd, user),
    nofwd: t('nofwd', noForwardSshd, user),
    outsider: t('outsider', sshd, outsider),
    closed: t('closed', null, user),
  };
  const connector = new EngineConnector({
    ssh,
    log,
    targetOf: (id) => {
      const found = (targets as Record<string, SshTarget>)[id];
      if (!found) throw new Error(`no test node ${id}`);
      return found;
    },
  });
  const images = await testImages();
  docker(['pull', '-q', images.busybox]);
  return {
    ssh,
    connector,
    sshd,
    noForwardSshd,
    user,
    outsider,
    targets,
    image: images.busybox,
    runService: (project, service, script, opts = {}) =>
      docker([
        'run', '-d', ...(opts.tty ? ['-t'] : []),
        '--label', `com.docker.compose.project=${project}`,
        '--label', `com.docker.compose.service=${service}`,
        '--name', `${project}-${service}-1`,
        images.busybox, 'sh', '-c', script,
      ]),
    removeProject: (project) => {
      const ids = docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`]).split('\n').filter(Boolean);
      if (ids.length) docker(['rm', '-f', ...ids]);
    },
    close: async () => {
      await ssh.close();
      await sshd.stop();
      await noForwardSshd.stop();
      user.remove();
      outsider.remove();
    },
  };
}

/** A shell loop that prints numbered lines to stdout (and, when asked, to stderr) every 0.2 s. */
export function printingScript(withStderr = false): string {
  const err = withStderr ? ' echo oops $i >&2;' : '';
  return `i=0; while true; do echo line $i;${err} i=$((i+1)); sleep 0.2; done`;
}

/**
 * Connections from sshd processes of `user` to Docker's socket, seen from the node (ss -xp):
 * the forwarded channels still open. The docker-side end of each names the socket's path.
 */
export function forwardedDockerSockets(user: string): number {
  const pids = new Set(spawnSync('pgrep', ['-u', user, 'sshd'], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean));
  const rows = spawnSync('ss', ['-xpH'], { encoding: 'utf8' }).stdout.split('\n');
  const dockerEnds = new Set<string>();
  for (const r of rows) {
    const m = /\/var\/run\/docker\.sock (\d+)\s+\*\s+(\d+)/.exec(r);
    if (m?.[2]) dockerEnds.add(m[2]);
  }
  let n = 0;
  for (const r of rows) {
    const m = /\s\*\s+(\d+)\s+\*\s+\d+\s+users:\(\("sshd",pid=(\d+)/.exec(r);
    if (m?.[1] && m[2] && dockerEnds.has(m[1]) && pids.has(m[2])) n++;
  }
  return n;
}

/** `docker system dial-stdio` relays running on the node for `user`. */
export function dialStdioProcesses(user: string): number {
  return spawnSync('pgrep', ['-u', user, '-f', '^docker system dial-stdio$'], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean).length;
}

/** Established TCP connections to a loopback port (sshd's client connections). */
export function tcpConnectionsTo(port: number): number {
  const out = spawnSync('ss', ['-tnH', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter((l) => l.trim()).length;
}
