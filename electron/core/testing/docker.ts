/**
 * Test helper: the real Docker Engine and a real local registry (DESIGN §8). No image can be
 * pulled from the internet here, so test images are made from this machine's busybox with
 * `docker import` (one layer) and `docker build` on top of it (several layers), pushed to a
 * docker-registry on a loopback port, and their local tags removed — so a test's pull really
 * transfers layers and reports progress.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REGISTRY_BIN, serveRegistry } from './registry-process';
import { tempDir } from './temp-app';

export const DOCKER_SOCKET = '/var/run/docker.sock';
const BUSYBOX = '/bin/busybox';

/** Why Docker tests cannot run here, or null when they can. */
export function dockerUnavailable(): string | null {
  if (!existsSync(REGISTRY_BIN)) return `${REGISTRY_BIN} is missing: run scripts/setup-system.sh (apt-get install docker-registry)`;
  if (!existsSync('/usr/bin/docker-compose')) return 'docker-compose is missing: run scripts/setup-system.sh';
  const ping = spawnSync('curl', ['-sf', '--max-time', '5', '--unix-socket', DOCKER_SOCKET, 'http://localhost/_ping'], { encoding: 'utf8' });
  if (ping.stdout !== 'OK') return `the Docker Engine does not answer on ${DOCKER_SOCKET}: run scripts/start-docker.sh as root`;
  return null;
}

/** True when Docker tests should be skipped (and says why); throws under CI, which installs and starts everything. */
export function requireDocker(): boolean {
  const reason = dockerUnavailable();
  if (!reason) return false;
  if (process.env.CI) throw new Error(`Docker tests cannot run under CI: ${reason}`);
  console.warn(`Docker tests skipped: ${reason}`);
  return true;
}

export function docker(args: string[], opts: { input?: string; cwd?: string } = {}): string {
  const r = spawnSync('docker', args, { encoding: 'utf8', input: opts.input, cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  return r.stdout.trim();
}

export interface TestRegistry {
  /** host:port, e.g. 127.0.0.1:41234 (Docker trusts loopback registries over plain HTTP). */
  host: string;
  stop(): void;
}

export async function startTestRegistry(): Promise<TestRegistry> {
  const dir = tempDir('rackpilot-registry-');
  const { host, stop } = await serveRegistry({ dir, storage: join(dir, 'data'), address: '127.0.0.1' });
  return { host, stop };
}

export interface TestImages {
  registry: TestRegistry;
  /** One layer: busybox and its libraries; CMD sh. */
  busybox: string;
  /**
   * Five layers on busybox (~8 MB): serves /www with busybox httpd on port 80 by default. Its top
   * layer is unique to this test process and not kept locally, so its first pull transfers bytes.
   */
  web: string;
}

/** The local base images, made once per machine (cheap to check, ~2 s to make). */
function ensureBaseImages(): void {
  const have = (ref: string) => spawnSync('docker', ['image', 'inspect', ref], { stdio: 'ignore' }).status === 0;
  if (!have('rackpilot-test/busybox:1')) {
    const root = tempDir('rackpilot-rootfs-');
    const libs = spawnSync('ldd', [BUSYBOX], { encoding: 'utf8' })
      .stdout.split('\n')
      .map((l) => /(\/\S+)\s+\(0x/.exec(l)?.[1])
      .filter((p): p is string => !!p);
    for (const file of [BUSYBOX, ...libs]) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      copyFileSync(file, join(root, file));
    }
    mkdirSync(join(root, 'bin'), { recursive: true });
    for (const d of ['tmp', 'etc', 'www', 'data']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
    // busybox --install needs /proc; make the applet links here instead.
    for (const applet of spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) {
      if (applet !== 'busybox') spawnSync('ln', ['-sf', '/bin/busybox', join(root, 'bin', applet)]);
    }
    const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 256 * 1024 * 1024 });
    const imp = spawnSync('docker', ['import', '-c', 'CMD ["sh"]', '-c', 'ENV PATH=/bin', '-', 'rackpilot-test/busybox:1'], { input: tar.stdout });
    if (imp.status !== 0) throw new Error(`docker import failed: ${imp.stderr.toString()}`);
  }
  if (!have('rackpilot-test/web:1')) {
    buildImage('rackpilot-test/web:1', [
      'FROM rackpilot-test/busybox:1',
      'RUN dd if=/dev/urandom of=/data/a bs=1M count=2 2>/dev/null',
      'RUN dd if=/dev/urandom of=/data/b bs=1M count=2 2>/dev/null',
      'RUN dd if=/dev/urandom of=/data/c bs=1M count=2 2>/dev/null',
      'RUN echo "<h1>rackpilot test web</h1>" > /www/index.html',
      'EXPOSE 80',
      'CMD ["httpd", "-f", "-p", "80", "-h", "/www"]',
    ]);
  }
}

/** `docker build` with the classic builder (BuildKit's frontend image cannot be pulled here). */
function buildImage(tag: string, dockerfile: string[]): void {
  const ctx = tempDir('rackpilot-build-');
  writeFileSync(join(ctx, 'Dockerfile'), [...dockerfile, ''].join('\n'));
  const build = spawnSync('docker', ['build', '-q', '-t', tag, ctx], { encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  if (build.status !== 0) throw new Error(`docker build of ${tag} failed: ${build.stderr}`);
}

let images: Promise<TestImages> | undefined;

/**
 * The test images, pushed to this process's own registry and absent from the engine's local
 * tags (the first pull transfers them). Memoized per test process.
 */
export function testImages(): Promise<TestImages> {
  images ??= (async () => {
    ensureBaseImages();
    const registry = await startTestRegistry();
    const push = (local: string, name: string) => {
      const ref = `${registry.host}/rackpilot-test/${name}:1`;
      docker(['tag', local, ref]);
      docker(['push', '-q', ref]);
      docker(['rmi', ref]);
      return ref;
    };
    const unique = `rackpilot-test/web-${process.pid}-${Date.now()}:1`;
    buildImage(unique, ['FROM rackpilot-test/web:1', `RUN echo ${unique} > /www/build && dd if=/dev/urandom of=/data/unique bs=1M count=2 2>/dev/null`]);
    const web = push(unique, 'web');
    docker(['rmi', unique]);
    return { registry, busybox: push('rackpilot-test/busybox:1', 'busybox'), web };
  })();
  return images;
}
