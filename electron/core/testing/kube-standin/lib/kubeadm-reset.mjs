/**
 * `kubeadm reset`: what the real one removes (etcd data of a local member, the kubelet stopped
 * and its mounts unmounted, /etc/kubernetes/{manifests,pki}, /var/lib/kubelet, the kubeconfig
 * files; the control plane "containers" stopped) and what it leaves — CNI config, CNI devices,
 * iptables rules, $HOME/.kube — with its closing text saying so.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ApiClient } from './api-client.mjs';
import { fail, out } from './cli.mjs';
import { kubeletMounts } from './leftovers.mjs';
import { resetTail, warn } from './kubeadm-output.mjs';
import { parseKubeconfig } from './kubeconfig.mjs';
import { stopKubelet } from './kubelet-control.mjs';
import { ADMIN_CONF, ETCD_DIR, KUBELET_DIR, KUBELET_FAILED, KUBERNETES_DIR, MANIFESTS_DIR, PKI_DIR, listDir, p } from './paths.mjs';
import { stopApiServers, stopKubeletAgent } from './processes.mjs';

const FILES = ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'bootstrap-kubelet.conf', 'controller-manager.conf', 'scheduler.conf'];

function emptyDir(dir) {
  for (const e of listDir(dir)) rmSync(join(dir, e), { recursive: true, force: true });
}

async function confirm() {
  out("[reset] WARNING: Changes made to this host by 'kubeadm init' or 'kubeadm join' will be reverted.");
  process.stdout.write('[reset] Are you sure you want to proceed? [y/N]: ');
  const rl = createInterface({ input: process.stdin });
  const answer = await new Promise((resolve) => {
    rl.once('line', resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  if (String(answer).trim().toLowerCase() !== 'y') fail(1, 'aborted reset operation\nTo see the stack trace of this error execute with --v=5 or higher');
}

/** Reads kubeadm-config like reset does, to learn whether this node runs a local etcd member. */
async function readClusterConfig() {
  if (!existsSync(ADMIN_CONF)) return null;
  const conn = parseKubeconfig(readFileSync(ADMIN_CONF, 'utf8'), ADMIN_CONF);
  try {
    return await new ApiClient(conn, { timeoutMs: 5000 }).get('/api/v1/namespaces/kube-system/configmaps/kubeadm-config?timeout=10s');
  } catch (e) {
    warn('reset.go:141', `[reset] Unable to fetch the kubeadm-config ConfigMap from cluster: failed to get config map: ${e.message}`);
    return null;
  }
}

export async function runReset({ force }) {
  const config = await readClusterConfig();
  if (config) {
    out('[reset] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...');
    out("[reset] Use 'kubeadm init phase upload-config --config your-config-file' to re-upload it.");
  }
  if (!force) await confirm();
  out('[preflight] Running pre-flight checks');
  const localEtcd = existsSync(join(MANIFESTS_DIR, 'etcd.yaml')) || existsSync(join(ETCD_DIR, 'standin-state.json')) || existsSync(join(ETCD_DIR, 'member'));
  if (!config && !localEtcd) warn('removeetcdmember.go:106', '[reset] No kubeadm config, using etcd pod spec to get data directory');
  // The kubelet goes first, so it cannot start the static pods again; then their "containers".
  await stopKubeletAgent();
  await stopApiServers();
  if (localEtcd) {
    emptyDir(ETCD_DIR);
    out(`[reset] Deleted contents of the etcd data directory: /var/lib/etcd`);
  } else if (!config) {
    out('[reset] No etcd config found. Assuming external etcd');
    out('[reset] Please, manually reset etcd to prevent further issues');
  }
  out('[reset] Stopping the kubelet service');
  stopKubelet();
  rmSync(KUBELET_FAILED, { force: true });
  out('[reset] Unmounting mounted directories in "/var/lib/kubelet"');
  for (const target of kubeletMounts().sort((a, b) => b.length - a.length)) {
    const r = spawnSync('umount', [target], { encoding: 'utf8' });
    if (r.status !== 0) fail(1, `error: error execution phase cleanup-node: failed to unmount mounted directories in /var/lib/kubelet: ${r.stderr.trim()}`);
  }
  out('[reset] Deleting contents of directories: [/etc/kubernetes/manifests /var/lib/kubelet /etc/kubernetes/pki]');
  for (const dir of [MANIFESTS_DIR, KUBELET_DIR, PKI_DIR]) emptyDir(dir);
  rmSync(p('/etc/kubernetes/tmp'), { recursive: true, force: true });
  out(`[reset] Deleting files: [${FILES.map((f) => `/etc/kubernetes/${f}`).join(' ')}]`);
  for (const f of FILES) rmSync(join(KUBERNETES_DIR, f), { force: true });
  resetTail();
}
