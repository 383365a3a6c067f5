/**
 * Test helper: the lab registry — a real docker-registry that practice nodes use as their Docker
 * Hub mirror (`registry-mirrors` in /etc/docker/daemon.json), since the practice rack has no
 * internet. It serves `library/nginx:latest` and `library/busybox:latest`, so a node's
 * `docker run nginx` or a compose file's `image: busybox` work as they would against Docker Hub.
 *
 * Both images are made with `docker import` from this machine's own nginx and busybox
 * (lab-registry-images.ts has their layout).
 *
 * Filling is done once per image content: the rootfs trees are hashed, and a registry storage
 * directory holding both images is cached under <cache>/lab-registry/<hash>/. It is filled by
 * pushing through a registry on loopback (the engine trusts loopback registries over plain HTTP,
 * whatever address the lab registry itself is bound to). Each start serves a copy of it, so a
 * learner's push never changes the cache.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REGISTRY_BIN, serveRegistry } from './registry-process';
import { BUSYBOX, LAB_IMAGE_RECIPES, NGINX, NGINX_ETC, type ImageRecipe } from './lab-registry-images';
import { tempDir } from './temp-app';

const DOCKER_SOCKET = '/var/run/docker.sock';
/** Where the filled registry storage is cached (beside the lab image). */
export const LAB_REGISTRY_CACHE = join(process.env.RACKPILOT_CACHE_DIR ?? '/var/cache/rackpilot', 'lab-registry');
export const LAB_REGISTRY_IMAGES = ['library/nginx:latest', 'library/busybox:latest'];

export interface LabRegistry {
  /** address:port, what a node's daemon.json names as its mirror. */
  host: string;
  /** The repositories and tags it serves, e.g. library/nginx:latest. */
  images: string[];
  stop(): void;
}

/** Why the lab registry cannot start here, or null when it can. */
export function labRegistryUnavailable(): string | null {
  for (const path of [REGISTRY_BIN, NGINX, BUSYBOX, join(NGINX_ETC, 'mime.types')]) {
    if (!existsSync(path)) return `${path} is missing: run scripts/setup-system.sh`;
  }
  return null;
}

export async function startLabRegistry(o: { address: string }): Promise<LabRegistry> {
  const reason = labRegistryUnavailable();
  if (reason) throw new Error(`the lab registry cannot start: ${reason}`);
  const storage = await filledStorage();
  const dir = tempDir('rackpilot-lab-registry-');
  cpSync(storage, join(dir, 'data'), { recursive: true });
  const registry = await serveRegistry({ dir, storage: join(dir, 'data'), address: o.address });
  return { host: registry.host, images: [...LAB_REGISTRY_IMAGES], stop: registry.stop };
}

// ---------------------------------------------------------------------------------------------
// The cached registry storage
// ---------------------------------------------------------------------------------------------

async function filledStorage(): Promise<string> {
  const roots = LAB_IMAGE_RECIPES.map((image) => {
    const root = tempDir(`rackpilot-lab-${image.name}-rootfs-`);
    image.build(root);
    return { image, root };
  });
  try {
    const hash = createHash('sha256');
    for (const { image, root } of roots) hash.update(`${image.name}\n${image.changes().join('\n')}\n`).update(treeHash(root));
    const key = hash.digest('hex').slice(0, 16);
    const cache = join(LAB_REGISTRY_CACHE, key);
    if (existsSync(join(cache, 'complete'))) return cache;

    mkdirSync(LAB_REGISTRY_CACHE, { recursive: true });
    const building = `${cache}.build-${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    const configDir = tempDir('rackpilot-lab-registry-fill-');
    const filler = await serveRegistry({ dir: configDir, storage: building, address: '127.0.0.1' });
    try {
      for (const { image, root } of roots) pushImport(image, root, `${filler.host}/library/${image.name}:latest`);
    } catch (err) {
      await filler.stopped();
      rmSync(building, { recursive: true, force: true });
      throw err;
    }
    await filler.stopped();
    writeFileSync(join(building, 'complete'), `${LAB_REGISTRY_IMAGES.join('\n')}\n`);
    // Another test process may have filled the same key meanwhile: either copy is as good.
    try {
      renameSync(building, cache);
    } catch {
      rmSync(building, { recursive: true, force: true });
    }
    for (const old of readdirSync(LAB_REGISTRY_CACHE)) {
      if (old !== key && /^[0-9a-f]{16}$/.test(old)) rmSync(join(LAB_REGISTRY_CACHE, old), { recursive: true, force: true });
    }
    return cache;
  } finally {
    for (const { root } of roots) rmSync(root, { recursive: true, force: true });
  }
}

/** `docker import` of the tree, pushed to `ref`; no local tag is left behind. */
function pushImport(image: ImageRecipe, root: string, ref: string): void {
  const ping = spawnSync('curl', ['-sf', '--max-time', '5', '--unix-socket', DOCKER_SOCKET, 'http://localhost/_ping'], { encoding: 'utf8' });
  if (ping.stdout !== 'OK') throw new Error(`filling the lab registry needs the Docker Engine, which does not answer on ${DOCKER_SOCKET}: run scripts/start-docker.sh as root`);
  const tar = spawnSync('tar', ['-C', root, '--numeric-owner', '--owner=0', '--group=0', '-c', '.'], { maxBuffer: 512 << 20 });
  if (tar.status !== 0) throw new Error(`tar of the ${image.name} rootfs failed: ${tar.stderr.toString()}`);
  const changes = image.changes().flatMap((c) => ['-c', c]);
  const run = (args: string[], input?: Buffer) => {
    const r = spawnSync('docker', args, { input, maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`docker ${args.slice(0, 2).join(' ')} for the lab ${image.name} image failed: ${r.stderr.toString().trim()}`);
  };
  run(['import', ...changes, '-', ref], tar.stdout);
  try {
    run(['push', '-q', ref]);
  } finally {
    spawnSync('docker', ['rmi', ref], { stdio: 'ignore' });
  }
}

/** Paths, modes, contents and link targets of a tree, in a stable order. */
function treeHash(root: string): string {
  const hash = createHash('sha256');
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = join(rel, name);
      const st = lstatSync(join(root, path));
      hash.update(`${path}\0${st.mode}\0`);
      if (st.isSymbolicLink()) hash.update(readlinkSync(join(root, path)));
      else if (st.isDirectory()) walk(path);
      else hash.update(readFileSync(join(root, path)));
    }
  };
  walk('');
  return hash.digest('hex');
}

// ---------------------------------------------------------------------------------------------
// The registry process
