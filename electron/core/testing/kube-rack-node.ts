/**
 * One stand-in node: a real sshd in its own network, mount and UTS namespaces. Its /etc, /var,
 * /opt, /root, /home and /usr are copy-on-write overlays of the host's (kept in a tmpfs of the
 * node), so whatever Rackpilot writes, moves or deletes there (even `rm -rf /etc/kubernetes`)
 * behaves as on a machine of its own and never reaches the host. /run and /tmp are the node's
 * own; /sys/class/dmi/id/product_uuid, /proc/swaps and /sys/module are the node's view.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import type { HostKey } from '../../../shared/domain/node';
import { parsePublicKey } from '../nodes/host-keys';
import { SSHD_PATH } from './sshd';

/** Where the rack directory appears inside every node. */
export const RACK_MOUNT = '/run/standin-rack';
/** The checkout the stand-in tools run from. */
const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export interface NodeSetup {
  rackDir: string;
  name: string;
  ns: string;
  address: string;
  productUuid?: string;
  swap?: boolean;
  cpus?: number;
  containerdConfig: string;
}

export interface RunningNode {
  hostKey: HostKey;
  pid: number;
  productUuid: string;
  exec(cmd: string, input?: string): { code: number; stdout: string; stderr: string };
}

const SWAPS_HEADER = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n';
const ROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Node-local directories that start empty, like on a freshly installed machine. */
const FRESH_PATHS = ['/etc/kubernetes', '/var/lib/kubelet', '/var/lib/etcd', '/etc/cni', '/opt/cni', '/var/lib/cni', '/root/.kube'];

/** The systemd units the stand-in systemctl knows at boot; kubelet's appears when apt installs it. */
const BOOT_UNITS: Record<string, { enabled: string; active: boolean }> = {
  'containerd.service': { enabled: 'enabled', active: true },
  'ssh.service': { enabled: 'enabled', active: true },
};

export function containerdConfig(hostDefault: string, systemdCgroup: boolean): string {
  return hostDefault.replace(/^(\s*SystemdCgroup\s*=\s*)(true|false)/m, `$1${systemdCgroup}`);
}

/** The host's real `containerd config default` (memoized). */
let containerdDefault: string | undefined;
export function hostContainerdDefault(): string {
  if (containerdDefault === undefined) {
    const r = spawnSync('containerd', ['config', 'default'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`containerd config default failed (${r.status}): ${r.stderr}: install containerd (docker.io brings it)`);
    containerdDefault = r.stdout;
  }
  return containerdDefault;
}

function writeInitFiles(s: NodeSetup, dir: string, productUuid: string): void {
  const init = join(dir, 'init');
  const standin = join(init, 'standin');
  mkdirSync(join(standin, 'systemd'), { recursive: true });
  writeFileSync(join(standin, 'node.json'), JSON.stringify({ name: s.name, address: s.address, productUuid, cpus: s.cpus ?? null, swap: !!s.swap }, null, 2) + '\n');
  for (const [unit, state] of Object.entries(BOOT_UNITS)) writeFileSync(join(standin, 'systemd', `${unit}.json`), JSON.stringify(state) + '\n');
  writeFileSync(join(standin, 'packages.json'), JSON.stringify({ version: null, minor: null, packages: {}, held: [] }, null, 2) + '\n');
  writeFileSync(join(init, 'product_uuid'), productUuid + '\n');
  writeFileSync(join(init, 'swaps'), SWAPS_HEADER + (s.swap ? '/swap.img                               file\t\t2097148\t\t0\t\t-2\n' : ''));
  writeFileSync(
    join(init, 'fstab'),
    [
      '# /etc/fstab: static file system information (stand-in node).',
      '# <file system> <mount point>   <type>  <options>       <dump>  <pass>',
      'UUID=3f1c2a7e-5d4b-4e8a-9c61-0b7d2e9f4a10 /               ext4    errors=remount-ro 0       1',
      ...(s.swap ? ['/swap.img       none            swap    sw              0       0'] : []),
      '',
    ].join('\n'),
  );
  writeFileSync(join(init, 'hosts'), `127.0.0.1\tlocalhost\n127.0.1.1\t${s.name}\n${s.address}\t${s.name}\n`);
  writeFileSync(join(init, 'machine-id'), randomBytes(16).toString('hex') + '\n');
  writeFileSync(join(init, 'config.toml'), s.containerdConfig);
}

function setupScript(s: NodeSetup): string {
  const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const node = `${RACK_MOUNT}/nodes/${s.name}`;
  return `set -eu
R=${q(s.rackDir)}; N="$R/nodes/${s.name}"; D="$R/disk/${s.name}"; REPO=${q(REPO_ROOT)}
# The node's own disk: overlay upper layers and the files bound below live here.
mount -t tmpfs -o mode=700 standin-disk "$D"
for d in etc var opt root home usr; do
  mkdir -p "$D/up/$d" "$D/work/$d"
  mount -t overlay "standin-$d" -o "lowerdir=/$d,upperdir=$D/up/$d,workdir=$D/work/$d" "/$d"
done
# The stand-ins run from this checkout: keep a read-only handle on it (in the node's own /var),
# so a checkout under /tmp or /run (a CI clone) is still there after the node gets its own /tmp
# and /run below.
H=/var/lib/standin-checkout
mkdir -p "$H"; mount --bind "$REPO" "$H"; mount -o remount,bind,ro "$H"
# sysfs cannot hold new files: a tmpfs takes the directory's place, its entries bound back in.
shadow() {
  b="$D/sys/\${1##*/}"; mkdir -p "$b"; mount --bind "$1" "$b"
  mount -t tmpfs -o mode=755 standin-sys "$1"
  for e in "$b"/*; do [ -d "$e" ] || continue; mkdir "$1/\${e##*/}"; mount --bind "$e" "$1/\${e##*/}"; done
}
shadow /sys/class
shadow /sys/module
cp "$N/init/product_uuid" "$D/product_uuid"; chmod 400 "$D/product_uuid"
if [ -e /sys/class/dmi/id/product_uuid ]; then mount --bind "$D/product_uuid" /sys/class/dmi/id/product_uuid
else mkdir -p /sys/class/dmi/id; cp -p "$D/product_uuid" /sys/class/dmi/id/product_uuid; echo 'Stand-in node' > /sys/class/dmi/id/product_name; fi
cp "$N/init/swaps" "$D/swaps"; mount --bind "$D/swaps" /proc/swaps
mount -t tmpfs -o mode=755 standin-run /run
mkdir -p /run/sshd /run/lock /run/standin-rack
mount --bind "$R" /run/standin-rack
cp -a "$N/init/standin" /run/standin; chmod 755 /run/standin
mount --bind "$R/bin" /usr/local/bin
mount --bind "$R/bin" /usr/local/sbin
rm -rf ${FRESH_PATHS.join(' ')} /etc/apt/sources.list.d/kubernetes.* /etc/apt/keyrings/kubernetes-*
rm -rf /etc/modules-load.d/* /etc/sysctl.d/*
mkdir -p /etc/containerd /etc/apt/keyrings
cp "$N/init/config.toml" /etc/containerd/config.toml
cp "$N/init/fstab" /etc/fstab; cp "$N/init/hosts" /etc/hosts; cp "$N/init/machine-id" /etc/machine-id
echo ${q(s.name)} > /etc/hostname
mount -t tmpfs -o mode=1777 standin-tmp /tmp
case "$REPO" in /tmp/*|/run/*) mkdir -p "$REPO"; mount --bind "$H" "$REPO"; mount -o remount,bind,ro "$REPO" ;; esac
hostname ${q(s.name)}
sysctl -qw net.ipv4.ip_forward=1
[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] && sysctl -qw net.bridge.bridge-nf-call-iptables=1
exec ${SSHD_PATH} -D -e -f ${node}/sshd_config
`;
}

function sshdConfig(s: NodeSetup): string {
  const node = `${RACK_MOUNT}/nodes/${s.name}`;
  return [
    'Port 22',
    `ListenAddress ${s.address}`,
    `HostKey ${node}/ssh_host_ed25519_key`,
    `PidFile ${node}/sshd.pid`,
    `AuthorizedKeysFile ${RACK_MOUNT}/authorized_keys/%u`,
    // The rack directory lives under /tmp (world-writable on the host), which StrictModes rejects.
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'Subsystem sftp internal-sftp',
    'LogLevel ERROR',
    '',
  ].join('\n');
}

async function reachable(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port, timeout: 1000 }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts the node's sshd in its namespaces and waits until it accepts connections on <address>:22. */
export async function startNode(s: NodeSetup): Promise<RunningNode> {
  const dir = join(s.rackDir, 'nodes', s.name);
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(s.rackDir, 'disk', s.name), { recursive: true });
  const productUuid = (s.productUuid ?? randomUUID()).toLowerCase();
  writeInitFiles(s, dir, productUuid);
  const keyFile = join(dir, 'ssh_host_ed25519_key');
  const keygen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${s.name}`, '-f', keyFile]);
  if (keygen.status !== 0) throw new Error(`ssh-keygen failed: ${keygen.stderr.toString()}`);
  const hostKey = parsePublicKey(readFileSync(keyFile + '.pub', 'utf8'));
  if (!hostKey) throw new Error(`cannot parse ${keyFile}.pub`);
  writeFileSync(join(dir, 'sshd_config'), sshdConfig(s));
  const script = join(dir, 'setup.sh');
  writeFileSync(script, setupScript(s));
  const log = join(dir, 'sshd.log');
  const fd = openSync(log, 'a');
  const child: ChildProcess = spawn('ip', ['netns', 'exec', s.ns, 'unshare', '--mount', '--uts', '--propagation', 'private', '--', 'sh', script], {
    cwd: '/',
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.unref();
  const deadline = Date.now() + 15_000;
  while (!(await reachable(s.address, 22))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const why = child.exitCode !== null ? `exited with ${child.exitCode}` : 'did not listen within 15 s';
      throw new Error(`stand-in node ${s.name}: sshd ${why}: ${readFileSync(log, 'utf8').trim().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pidFile = join(dir, 'sshd.pid');
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : (child.pid ?? 0);
  return {
    hostKey,
    pid,
    productUuid,
    exec(cmd, input) {
      const r = spawnSync('nsenter', ['--target', String(pid), '--mount', '--uts', '--net', '--', 'sh', '-c', cmd], {
        encoding: 'utf8',
        input,
        cwd: '/',
        env: { PATH: ROOT_PATH, HOME: '/root', LANG: 'C.UTF-8' },
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: r.status ?? 128, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
    },
  };
}

/** Rack-wide files every node sees under /run/standin-rack. */
export function prepareRackDir(rackDir: string, user: string, clientPublicKey: string, toolsDir: string, tools: Record<string, string>): void {
  chmodSync(rackDir, 0o755);
  for (const d of ['nodes', 'disk', 'faults', 'apiservers', 'authorized_keys', 'bin']) mkdirSync(join(rackDir, d), { recursive: true, mode: 0o755 });
  // Tools run as the ssh user too (kubectl, systemctl is-active): the log must take their lines.
  writeFileSync(join(rackDir, 'calls.jsonl'), '');
  chmodSync(join(rackDir, 'calls.jsonl'), 0o666);
  chmodSync(join(rackDir, 'faults'), 0o755);
  writeFileSync(join(rackDir, 'authorized_keys', user), clientPublicKey.trim() + '\n', { mode: 0o644 });
  // Wrappers, not copies: the tool runs from its source file, so its imports (../lib, the repo's
  // node_modules) resolve as in the repo. An alias (reboot → systemctl) tells the tool its name.
  for (const [name, source] of Object.entries(tools)) {
    const as = name === source ? '' : `STANDIN_TOOL=${name} `;
    writeFileSync(join(rackDir, 'bin', name), `#!/bin/sh\n${as}exec ${process.execPath} ${join(toolsDir, source)} "$@"\n`, { mode: 0o755 });
  }
}
