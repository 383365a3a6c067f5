import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker as dockerCli, requireDocker, testImages } from '../../testing/docker';
import { tempDir } from '../../testing/temp-app';
import { pullImage, type PullProgress } from './pull';
import { localDocker } from './testing-engine';

const skip = requireDocker();
const docker = localDocker();

describe.skipIf(skip)('pullImage from the local registry', () => {
  let registry: string;
  let fresh: string;
  const pulled: string[] = [];

  beforeAll(async () => {
    const images = await testImages();
    registry = images.registry.host;
    // Layers of random bytes no other image has, so the pull really transfers them (the shared
    // test images' layers are already on the engine and only report "Already exists").
    const ctx = tempDir('rackpilot-pull-');
    writeFileSync(
      join(ctx, 'Dockerfile'),
      ['FROM rackpilot-test/busybox:1', 'RUN dd if=/dev/urandom of=/data/x bs=1M count=3 2>/dev/null', 'RUN dd if=/dev/urandom of=/data/y bs=1M count=3 2>/dev/null', ''].join('\n'),
    );
    fresh = `${registry}/rpt-pull-${process.pid}/multi:1`;
    const build = spawnSync('docker', ['build', '-q', '-t', fresh, ctx], { encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    if (build.status !== 0) throw new Error(`docker build failed: ${build.stderr}`);
    dockerCli(['push', '-q', fresh]);
    dockerCli(['rmi', fresh]);
  });
  afterAll(() => {
    for (const ref of pulled) spawnSync('docker', ['rmi', ref], { stdio: 'ignore' });
  });

  const pull = async (ref: string) => {
    const events: PullProgress[] = [];
    pulled.push(ref);
    // intervalMs 0: every engine event is reported, so the test does not depend on timing.
    await pullImage(docker, ref, { onProgress: (p) => events.push(p), intervalMs: 0 });
    return events;
  };

  it('reports per-layer byte progress for a multi-layer image', async () => {
    const events = await pull(fresh);
    const last = events[events.length - 1]!;
    expect(last).toMatchObject({ image: fresh, done: true, error: null });
    expect(events.slice(0, -1).every((e) => !e.done)).toBe(true);
    // The busybox base layer is on the engine already; the two new layers are downloaded.
    expect(last.layers.map((l) => l.status)).toEqual(['Already exists', 'Pull complete', 'Pull complete']);
    const downloaded = last.layers.filter((l) => l.status === 'Pull complete');
    for (const l of downloaded) expect(l.current).toBe(l.total);
    expect(last.total).toBeGreaterThan(2 * 1024 * 1024);
    expect(last.current).toBe(last.total);
    expect(events.some((e) => e.layers.some((l) => l.status === 'Downloading' && l.total > 0))).toBe(true);
    expect((await docker.getImage(fresh).inspect()).RootFS.Layers).toHaveLength(3);
  });

  it('turns a missing image into E_IMAGE_PULL naming the image and registry', async () => {
    const ref = `${registry}/rpt-pull-${process.pid}/missing:1`;
    const events: PullProgress[] = [];
    const err = await pullImage(docker, ref, { onProgress: (p) => events.push(p) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_IMAGE_PULL' });
    expect((err as Error).message).toMatch(new RegExp(`^Could not pull ${ref} from ${registry}: .+\\. Check the image name, or that the node reaches the registry$`));
    expect(events[events.length - 1]).toMatchObject({ done: true, error: (err as Error).message });
  });

  it('says so when the registry does not answer', async () => {
    const ref = '127.0.0.1:9/rpt/none:1';
    await expect(pullImage(docker, ref, { onProgress: () => {} })).rejects.toThrow(/^Could not pull 127\.0\.0\.1:9\/rpt\/none:1 from 127\.0\.0\.1:9: .*connection refused/);
  });
});
