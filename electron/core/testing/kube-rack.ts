/**
 * Test helper (root only): the stand-in rack — real Linux nodes on this machine for the
 * Kubernetes tests. Each node is a network + mount + UTS namespace with a real OpenSSH sshd on
 * <node-ip>:22, a throwaway sudo user, its own product_uuid, swap view and copy-on-write /etc,
 * /var, /usr…; only kubeadm/kubectl/kubelet/crictl/systemctl/journalctl/apt-get/apt-mark/curl
 * (and apt-cache/dpkg package queries, modprobe, swapoff) are stand-ins
 * (electron/core/testing/kube-standin), because Kubernetes cannot be obtained here. Every stand-in call is logged for `calls()`; `fault()` makes the
 * stand-ins fail the way the real tools do.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostKey } from '../../../shared/domain/node';
import { claimSubnet, cleanupScript, rackNames, runCleanup, wireRack, type RackNames } from './kube-rack-net';
import { containerdConfig, hostContainerdDefault, prepareRackDir, startNode, type RunningNode } from './kube-rack-node';
import { isRoot } from './lab-net';
import { createTestUser, SSHD_PATH, type TestUser } from './sshd';
import { tempDir } from './temp-app';

export interface StandInNodeSpec {
  name: string;
  /** Reported in /run/standin/node.json for the stand-ins; the node's real nproc is the host's. */
  cpus?: number;
  /** The node has a swap area on (in /proc/swaps and /etc/fstab) until `swapoff -a`. */
  swap?: boolean;
  productUuid?: string;
  /** containerd's config.toml as the harness writes it: SystemdCgroup = true unless false here. */
  systemdCgroup?: boolean;
}

export interface StandInCall {
  node: string;
  tool: string;
  args: string[];
  exitCode: number;
  at: string;
}

export interface StandInNode {
  name: string;
  address: string;
  port: number;
  ns: string;
  hostKey: HostKey;
  productUuid: string;
  /** Runs a shell command as root inside the node's namespaces (test assertions, fault setup); `input` goes to its stdin. */
  exec(cmd: string, input?: string): { code: number; stdout: string; stderr: string };
}

export type StandInFault =
  | 'init-kubelet-unhealthy'
  | 'init-preflight-port-in-use'
  | 'join-token-expired'
  | 'join-bad-ca-hash'
  | 'image-pull-failed'
  | 'init-exit-after-upload-certs'
  | 'slow-init';

export interface StandInRack {
  nodes: StandInNode[];
  /** The throwaway login user (passwordless sudo). */
  user: string;
  /** OpenSSH private key authorized for `user` on every node. */
  privateKey: string;
  publicKey: string;
  /** This machine's address on the rack network. */
  hostAddress: string;
  /** The rack directory on the host (mounted at /run/standin-rack in every node). */
  dir: string;
  node(name: string): StandInNode;
  /** Authorizes another public key line for `user` on every node. */
  authorize(publicKeyLine: string): void;
  /** Every stand-in invocation so far, in order. */
  calls(filter?: { node?: string; tool?: string }): StandInCall[];
  fault(node: string, fault: StandInFault): void;
  clearFaults(node?: string): void;
  /** Ends every process in the nodes and removes namespaces, links, the user and the rack directory. Idempotent. */
  stop(): Promise<void>;
}

// __dirname, not import.meta: Playwright loads e2e specs (and this helper) as CommonJS.
const TOOLS_DIR = join(__dirname, 'kube-standin', 'bin');
/** Tools on every node from boot (over /usr/local/sbin and /usr/local/bin); the kube tools arrive with apt-get install. */
const BOOT_TOOLS: Record<string, string> = {
  ...Object.fromEntries(['systemctl', 'journalctl', 'apt-get', 'apt-mark', 'apt-cache', 'dpkg-query', 'curl', 'modprobe', 'swapoff'].map((t) => [t, t])),
  // dpkg's -s/-l/-W must see the stand-in's kube packages; its other operations go to the real dpkg.
  dpkg: 'dpkg-query',
  // The real ones are links to systemctl: they must not reach the host's init.
  reboot: 'systemctl',
  poweroff: 'systemctl',
  halt: 'systemctl',
  shutdown: 'systemctl',
};

/** useradd fails while another test worker holds the /etc/passwd lock: try again shortly. */
async function withRetries<T>(fn: () => T, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return fn();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 200 * i));
    }
  }
}

/** Why the stand-in rack cannot run here, or null when it can. */
export function standInRackUnavailable(): string | null {
  if (!isRoot()) return 'the stand-in rack needs root (network namespaces, mounts, a throwaway user): run the tests as root';
  if (!existsSync(SSHD_PATH)) return `OpenSSH server not found at ${SSHD_PATH}: apt-get install openssh-server`;
  for (const tool of ['unshare', 'nsenter', 'ip', 'iptables', 'ssh-keygen', 'useradd', 'containerd']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is missing: install util-linux, iproute2, iptables, openssh-client, passwd and containerd`;
  }
  if (!existsSync('/proc/filesystems') || !readFileSync('/proc/filesystems', 'utf8').includes('overlay')) return 'the kernel has no overlay filesystem';
  return null;
}

/** True when rack tests should be skipped (and says why); throws under CI, which runs them as root. */
export function requireStandInRack(): boolean {
  const reason = standInRackUnavailable();
  if (!reason) return false;
  if (process.env.CI) throw new Error(`stand-in rack tests cannot run under CI: ${reason}`);
  console.warn(`stand-in rack tests skipped: ${reason}`);
  return true;
}

export async function startStandInRack(opts: { tag: string; nodes: StandInNodeSpec[] }): Promise<StandInRack> {
  const unavailable = standInRackUnavailable();
  if (unavailable) throw new Error(unavailable);
  const names = new Set(opts.nodes.map((n) => n.name));
  if (names.size !== opts.nodes.length || opts.nodes.some((n) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n.name))) {
    throw new Error('stand-in node names must be unique DNS labels (lowercase letters, digits, "-")');
  }
  const rackIds: RackNames = rackNames(opts.tag);
  runCleanup(cleanupScript({ names: rackIds })); // leftovers of a killed earlier run with this pid
  const dir = tempDir('rackpilot-kube-rack-');
  let user: TestUser | undefined;
  let subnet: string | undefined;
  let cleanup = cleanupScript({ names: rackIds, rackDir: dir });
  let stopped = false;
  let minder: ReturnType<typeof spawn> | undefined;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', stopSync);
    if (minder?.pid) {
      try {
        process.kill(-minder.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    runCleanup(cleanup);
  };
  process.once('exit', stopSync);
  try {
    user = await withRetries(() => createTestUser('nopasswd'));
    cleanup = cleanupScript({ names: rackIds, user: user.name, rackDir: dir });
    subnet = claimSubnet();
    cleanup = cleanupScript({ names: rackIds, user: user.name, subnet, rackDir: dir });
    // The test worker can die without exit handlers: a detached shell outlives it and cleans up.
    writeFileSync(join(dir, 'cleanup.sh'), cleanup);
    minder = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; exec sh '${join(dir, 'cleanup.sh')}'`], {
      detached: true,
      stdio: 'ignore',
    });
    minder.unref();

    const keyFile = join(dir, 'client_ed25519');
    const keygen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${user.name}@rackpilot-tests`, '-f', keyFile]);
    if (keygen.status !== 0) throw new Error(`ssh-keygen failed: ${keygen.stderr.toString()}`);
    const privateKey = readFileSync(keyFile, 'utf8');
    const publicKey = readFileSync(keyFile + '.pub', 'utf8').trim();
    prepareRackDir(dir, user.name, publicKey, TOOLS_DIR, BOOT_TOOLS);

    const net = wireRack(rackIds, subnet, opts.nodes.length);
    const hostDefault = hostContainerdDefault();
    const nodes: StandInNode[] = await Promise.all(
      opts.nodes.map(async (spec, i): Promise<StandInNode> => {
        const wire = net.nodes[i];
        if (!wire) throw new Error(`no namespace wired for stand-in node ${spec.name}`);
        const running: RunningNode = await startNode({
          rackDir: dir,
          name: spec.name,
          ns: wire.ns,
          address: wire.address,
          productUuid: spec.productUuid,
          swap: spec.swap,
          cpus: spec.cpus,
          containerdConfig: containerdConfig(hostDefault, spec.systemdCgroup ?? true),
        });
        return { name: spec.name, address: wire.address, port: 22, ns: wire.ns, hostKey: running.hostKey, productUuid: running.productUuid, exec: running.exec };
      }),
    );
    const loginUser = user.name;
    return {
      nodes,
      user: loginUser,
      privateKey,
      publicKey,
      hostAddress: net.hostAddress,
      dir,
      node(name) {
        const n = nodes.find((x) => x.name === name);
        if (!n) throw new Error(`no stand-in node named ${name} (nodes: ${nodes.map((x) => x.name).join(', ')})`);
        return n;
      },
      authorize(line) {
        appendFileSync(join(dir, 'authorized_keys', loginUser), line.trim() + '\n');
      },
      calls(filter = {}) {
        const text = existsSync(join(dir, 'calls.jsonl')) ? readFileSync(join(dir, 'calls.jsonl'), 'utf8') : '';
        return text
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as StandInCall)
          .filter((c) => (!filter.node || c.node === filter.node) && (!filter.tool || c.tool === filter.tool));
      },
      fault(node, fault) {
        appendFileSync(join(dir, 'faults', node), fault + '\n', { mode: 0o644 });
      },
      clearFaults(node) {
        for (const n of node ? [node] : nodes.map((x) => x.name)) rmSync(join(dir, 'faults', n), { force: true });
      },
      stop: async () => stopSync(),
    };
  } catch (err) {
    stopSync();
    throw err;
  }
}
