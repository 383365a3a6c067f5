/**
 * The lab registry for real: a live lab node (QEMU TCG, user networking) points its Docker at the
 * registry as its Docker Hub mirror — daemon.json written over SSH, as Rackpilot does for a lab —
 * and pulls and runs `nginx` and `busybox` by their Docker Hub names. The registry listens on the
 * host's loopback, which the node reaches as 10.0.2.2. Docker Hub itself is made unreachable on
 * the node, so a pull can only succeed through the mirror (and never leaves this machine).
 *
 * Also checks what the lab image promises guided labs: nginx installed but disabled.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labRegistryUnavailable, startLabRegistry, type LabRegistry } from './lab-registry';
import { bootLabVm, skipLabVm, type LabVm } from './lab-vm';
import { opensshOnVm, type VmSshResult } from './lab-vm-ssh';
import { tempDir } from './temp-app';

const run = promisify(execFile);

function skipRegistry(): boolean {
  const reason = labRegistryUnavailable();
  if (!reason) return false;
  if (process.env.CI) throw new Error(`lab registry tests cannot run under CI: ${reason}`);
  console.warn(`lab registry tests skipped: ${reason}`);
  return true;
}

const skip = skipLabVm() || skipRegistry();
/** Docker Hub's hosts, pointed at nothing on the node: a pull that skips the mirror fails. */
const DOCKER_HUB = ['registry-1.docker.io', 'index.docker.io', 'auth.docker.io', 'production.cloudflare.docker.com'];

let vm: LabVm;
let registry: LabRegistry;
let dir: string;
let identity: string;
let mirror: string;

function ssh(command: string, timeoutMs = 120_000): Promise<VmSshResult> {
  return opensshOnVm(vm, { identity, knownHostsFile: join(dir, 'known_hosts'), timeoutMs }, command);
}

/** A command that must succeed; its stdout, trimmed. */
async function must(command: string, timeoutMs?: number): Promise<string> {
  const r = await ssh(command, timeoutMs);
  if (r.code !== 0) throw new Error(`on the node: ${command}\nexit ${r.code}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** The digest the registry serves for a repository's `latest`, as Docker records it after a pull. */
async function servedDigest(repository: string): Promise<string> {
  const accept = [
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.oci.image.index.v1+json',
  ].join(', ');
  const res = await fetch(`http://${registry.host}/v2/${repository}/manifests/latest`, { method: 'HEAD', headers: { accept } });
  expect(res.status).toBe(200);
  return res.headers.get('docker-content-digest') ?? '';
}

describe.skipIf(skip)('the lab registry as a live node\'s Docker Hub mirror', () => {
  beforeAll(async () => {
    dir = tempDir('rackpilot-lab-registry-test-');
    identity = join(dir, 'id_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rackpilot-lab-registry-test', '-f', identity]);
    let started = Date.now();
    registry = await startLabRegistry({ address: '127.0.0.1' });
    console.log(`lab registry: serving ${registry.images.join(', ')} on ${registry.host} after ${secs(started)}`);
    mirror = `10.0.2.2:${registry.host.split(':').pop()}`;
    started = Date.now();
    vm = await bootLabVm({ dir, authorizedKeys: [readFileSync(`${identity}.pub`, 'utf8').trim()], hostname: 'lab-registry-1' });
    await vm.waitForSsh(300_000);
    writeFileSync(join(dir, 'known_hosts'), vm.knownHosts());
    console.log(`lab registry: node SSH ready after ${secs(started)}`);
  }, 360_000);

  afterAll(async () => {
    await vm?.stop();
    registry?.stop();
    if (dir && !process.env.RACKPILOT_KEEP_LAB_VM) rmSync(dir, { recursive: true, force: true });
  });

  it('serves both images by their Docker Hub repository names', async () => {
    expect(registry.images).toEqual(['library/nginx:latest', 'library/busybox:latest']);
    const catalog = (await (await fetch(`http://${registry.host}/v2/_catalog`)).json()) as { repositories: string[] };
    expect(catalog.repositories.sort()).toEqual(['library/busybox', 'library/nginx']);
    expect(await servedDigest('library/nginx')).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('the node has nginx installed but disabled, and nothing serves port 80', async () => {
    expect(await must('dpkg -s nginx')).toMatch(/^Status: install ok installed$/m);
    const enabled = await ssh('systemctl is-enabled nginx');
    expect(enabled.stdout.trim()).toBe('disabled');
    expect((await ssh('systemctl is-active nginx')).stdout.trim()).toBe('inactive');
    expect(await must("ss -Hltn 'sport = :80'")).toBe('');
  });

  it('Docker on the node takes the registry as its mirror after a restart, on a working storage driver', async () => {
    const daemon = JSON.stringify({ 'registry-mirrors': [`http://${mirror}`], 'insecure-registries': [mirror] });
    const hosts = DOCKER_HUB.map((h) => `0.0.0.0 ${h}`).join('\n');
    await must(`echo '${daemon}' | sudo -n tee /etc/docker/daemon.json >/dev/null && printf '%s\\n' '${hosts}' | sudo -n tee -a /etc/hosts >/dev/null`);
    const started = Date.now();
    await must('sudo -n systemctl restart docker', 180_000);
    console.log(`lab registry: docker restarted on the node in ${secs(started)}`);
    const info = JSON.parse(await must("sudo -n docker info --format '{{json .}}'")) as { Driver: string; RegistryConfig: { Mirrors: string[] } };
    const backing = await must('findmnt -no FSTYPE --target /var/lib/docker; findmnt -no FSTYPE /');
    console.log(`lab registry: node's dockerd storage driver ${info.Driver}; /var/lib/docker on ${backing.split('\n').join(', root on ')}`);
    expect(info.RegistryConfig.Mirrors).toEqual([`http://${mirror}/`]);
    expect(info.Driver).toBe('overlay2');
  }, 200_000);

  it('`docker run -d -p 8080:80 nginx` pulls through the mirror and serves the default page', async () => {
    const started = Date.now();
    await must('sudo -n docker pull -q nginx', 240_000);
    console.log(`lab registry: nginx pulled on the node in ${secs(started)}`);
    // The node could not reach Docker Hub: the image is the registry's, digest for digest.
    expect(await must("sudo -n docker image inspect nginx --format '{{index .RepoDigests 0}}'")).toBe(`nginx@${await servedDigest('library/nginx')}`);
    await must('sudo -n docker run -d --name web -p 8080:80 nginx');
    let page = '';
    for (let i = 0; i < 30 && !page.includes('Welcome to nginx!'); i++) {
      page = (await ssh('curl -sf --max-time 5 http://127.0.0.1:8080/')).stdout;
      if (!page) await new Promise((r) => setTimeout(r, 1000));
    }
    expect(page).toContain('<h1>Welcome to nginx!</h1>');
    // Access log lines go to the container's stdout, as with the official image.
    expect(await must('sudo -n docker logs web 2>/dev/null')).toMatch(/"GET \/ HTTP\/1\.1" 200 /);
    expect(await must("sudo -n docker exec web sh -c 'id -u nginx; ls /etc/nginx/conf.d'")).toBe('101\ndefault.conf');
    const config = JSON.parse(await must("sudo -n docker image inspect nginx --format '{{json .Config}}'")) as { Cmd: string[]; ExposedPorts: Record<string, unknown> };
    expect(config.Cmd).toEqual(['nginx', '-g', 'daemon off;']);
    expect(Object.keys(config.ExposedPorts)).toEqual(['80/tcp']);
  }, 300_000);

  it('`docker run --rm busybox echo ok` pulls through the mirror and prints ok', async () => {
    const started = Date.now();
    expect(await must('sudo -n docker run --rm busybox echo ok', 240_000)).toBe('ok');
    console.log(`lab registry: busybox pulled and run on the node in ${secs(started)}`);
    expect(await must("sudo -n docker image inspect busybox --format '{{index .RepoDigests 0}}'")).toBe(`busybox@${await servedDigest('library/busybox')}`);
  }, 300_000);

  it('a name the registry does not hold fails to pull: Docker falls back to Docker Hub, which the node cannot reach', async () => {
    const r = await ssh('sudo -n docker pull -q alpine', 120_000);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/registry-1\.docker\.io.*connection refused/);
  }, 150_000);
});

function secs(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
