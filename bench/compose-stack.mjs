/**
 * The stack the compose benchmark deploys (compose-up.mjs) and the Docker plumbing around it:
 * prerequisites, the local test image, the compose file, and a sweep that leaves nothing of a
 * project behind. Everything here talks to the local engine through the docker CLI, so it is the
 * same for both tools under test.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BenchSkip, SERVER_JS, removeTempDir, requireBuilt, tempDir } from './lib.mjs';

export const DOCKER_COMPOSE = '/usr/bin/docker-compose';
export const IMAGE = 'rackpilot-test/busybox:1';
const BUSYBOX = '/bin/busybox';
const SETUP_HINT = 'run scripts/setup-system.sh (apt-get install docker.io docker-compose) and scripts/start-docker.sh as root';

/** Runs the docker CLI; throws with its stderr when it fails. */
export function docker(args, { input } = {}) {
  const r = spawnSync('docker', args, { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  return r.stdout.trim();
}

const lines = (text) => text.split('\n').filter(Boolean);

/** BenchSkip with the reason when the engine, the CLI, docker-compose or the build is missing. */
export function prerequisites() {
  if (spawnSync('sh', ['-c', 'command -v docker']).status !== 0) throw new BenchSkip(`the docker CLI is missing: ${SETUP_HINT}.`);
  if (!existsSync(DOCKER_COMPOSE)) throw new BenchSkip(`${DOCKER_COMPOSE} (Debian's docker-compose 1.29, the peer this benchmark compares with) is missing: ${SETUP_HINT}.`);
  const ping = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 15_000 });
  if (ping.status !== 0) throw new BenchSkip(`the Docker Engine does not answer (${(ping.stderr ?? '').trim() || 'timeout'}): ${SETUP_HINT}.`);
  requireBuilt([SERVER_JS]);
  return { engine: ping.stdout.trim(), compose: spawnSync(DOCKER_COMPOSE, ['version', '--short'], { encoding: 'utf8' }).stdout.trim() };
}

/**
 * The busybox image the tests use (electron/core/testing/docker.ts makes it the same way; a
 * benchmark cannot import TypeScript): a `docker import` of busybox, its libraries and applet
 * links. Made once per machine, so both tools find it locally and neither run pulls.
 */
export function ensureImage() {
  if (spawnSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' }).status === 0) return;
  if (!existsSync(BUSYBOX)) throw new BenchSkip(`${IMAGE} is missing and ${BUSYBOX} (to make it) too: apt-get install busybox, or run the Docker tests once.`);
  const root = tempDir('rackpilot-bench-rootfs-');
  try {
    const libs = lines(spawnSync('ldd', [BUSYBOX], { encoding: 'utf8' }).stdout)
      .map((l) => /(\/\S+)\s+\(0x/.exec(l)?.[1])
      .filter(Boolean);
    for (const file of [BUSYBOX, ...libs]) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      copyFileSync(file, join(root, file));
    }
    for (const d of ['bin', 'tmp', 'etc', 'www', 'data']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
    for (const applet of lines(spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).stdout)) {
      if (applet !== 'busybox') spawnSync('ln', ['-sf', '/bin/busybox', join(root, 'bin', applet)]);
    }
    const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 256 * 1024 * 1024 });
    docker(['import', '-c', 'CMD ["sh"]', '-c', 'ENV PATH=/bin', '-', IMAGE], { input: tar.stdout });
  } finally {
    removeTempDir(root);
  }
}

/** `count` free TCP ports on 127.0.0.1 (held together while picking so they differ). */
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const s = createServer();
      await new Promise((res, rej) => s.once('error', rej).listen(0, '127.0.0.1', res));
      servers.push(s);
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((res) => s.close(res))));
  }
}

// PID 1 ignores SIGTERM unless it traps it: without the trap every stop would wait out the 10 s grace.
const sleeper = ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"];
const httpd = ['sh', '-c', "trap 'exit 0' TERM; httpd -f -p 80 -h /www & wait"];

/** A small web app's shape: stores, a queue, an API and its workers, front ends behind a proxy. */
export const SERVICES = [
  { name: 'db', command: sleeper, dependsOn: [] },
  { name: 'cache', command: sleeper, dependsOn: [] },
  { name: 'queue', command: sleeper, dependsOn: [] },
  { name: 'api', command: httpd, dependsOn: ['db', 'cache'] },
  { name: 'worker', command: sleeper, dependsOn: ['queue', 'db'] },
  { name: 'scheduler', command: sleeper, dependsOn: ['queue'] },
  { name: 'web', command: httpd, dependsOn: ['api'] },
  { name: 'admin', command: httpd, dependsOn: ['api'] },
  { name: 'metrics', command: httpd, dependsOn: [] },
  { name: 'proxy', command: httpd, dependsOn: ['web', 'admin'] },
];

const q = (s) => JSON.stringify(s);

/**
 * The compose file: every service on one network, with environment (one value interpolated with
 * a default), its own named volume, a loopback port and a restart policy; some with depends_on.
 */
export function composeYaml(ports) {
  const out = ['services:'];
  SERVICES.forEach((svc, i) => {
    out.push(
      `  ${svc.name}:`,
      `    image: ${IMAGE}`,
      `    command: [${svc.command.map(q).join(', ')}]`,
      '    environment:',
      `      SERVICE_ROLE: ${svc.name}`,
      '      APP_ENV: ${APP_ENV:-bench}',
      `      LISTEN_PORT: "80"`,
      '    volumes:',
      `      - ${svc.name}-data:/data`,
      '    ports:',
      `      - "127.0.0.1:${ports[i]}:80"`,
      '    networks: [backend]',
      '    restart: unless-stopped',
    );
    if (svc.dependsOn.length) out.push(`    depends_on: [${svc.dependsOn.join(', ')}]`);
  });
  out.push('networks:', '  backend: {}', 'volumes:', ...SERVICES.map((s) => `  ${s.name}-data: {}`), '');
  return out.join('\n');
}

const byProject = (name) => ['--filter', `label=com.docker.compose.project=${name}`];

/** The project's containers: id → { service, state } (from the compose labels both tools set). */
export function projectContainers(name) {
  const format = '{{.ID}} {{.State}} {{.Label "com.docker.compose.service"}}';
  const map = new Map();
  for (const l of lines(docker(['ps', '-a', '--no-trunc', ...byProject(name), '--format', format]))) {
    const [id, state, service] = l.split(' ');
    map.set(id, { state, service });
  }
  return map;
}

/** Throws unless every service of the stack has exactly one running container. */
export function expectRunning(name, who) {
  const containers = [...projectContainers(name).values()];
  const running = containers.filter((c) => c.state === 'running').map((c) => c.service).sort();
  const want = SERVICES.map((s) => s.name).sort();
  if (running.join() !== want.join() || containers.length !== want.length) {
    throw new Error(`${who}: expected one running container per service (${want.join(', ')}), found ${JSON.stringify(containers)}`);
  }
}

/**
 * Removes whatever is left of a project: containers, then its networks and volumes, found by the
 * compose labels and, in case a tool did not label them, by the `<project>_` name prefix.
 */
export function sweepProject(name) {
  const ids = lines(docker(['ps', '-aq', ...byProject(name)]));
  if (ids.length) docker(['rm', '-f', '-v', ...ids]);
  const prefixed = (list) => lines(list).filter((n) => n.startsWith(`${name}_`));
  const networks = new Set([...lines(docker(['network', 'ls', ...byProject(name), '--format', '{{.Name}}'])), ...prefixed(docker(['network', 'ls', '--format', '{{.Name}}']))]);
  if (networks.size) docker(['network', 'rm', ...networks]);
  const volumes = new Set([...lines(docker(['volume', 'ls', '-q', ...byProject(name)])), ...prefixed(docker(['volume', 'ls', '-q']))]);
  if (volumes.size) docker(['volume', 'rm', '-f', ...volumes]);
}
