/**
 * The kubelet's static pods: while /etc/kubernetes/manifests holds kube-apiserver.yaml and
 * etcd.yaml, the control plane of this node runs (the stand-in API server, started with the
 * flags the manifests carry); when they go, it stops. A member that joined an existing etcd
 * cluster (etcd's --initial-cluster-state=existing) serves by forwarding to the first member's
 * API server, since the stand-in keeps the cluster's state in one place.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ADMIN_CONF, MANIFESTS_DIR } from './paths.mjs';
import { alive, localApiServers, startApiServer, stopApiServers } from './processes.mjs';

/** The --flag=value map and image of a static pod manifest, or null when it is absent or unreadable. */
export function manifestFlags(component) {
  const file = join(MANIFESTS_DIR, `${component}.yaml`);
  if (!existsSync(file)) return null;
  try {
    const container = YAML.parse(readFileSync(file, 'utf8'))?.spec?.containers?.[0] ?? {};
    const flags = {};
    for (const arg of container.command ?? []) {
      const m = /^--([^=]+)=(.*)$/.exec(arg);
      if (m) flags[m[1]] = m[2];
    }
    return { flags, image: container.image ?? '' };
  } catch {
    return null;
  }
}

/** API server flags for this node's manifests, or null when the control plane should not run. */
export function controlPlaneFlags(nodeName) {
  const api = manifestFlags('kube-apiserver');
  const etcd = manifestFlags('etcd');
  if (!api || !etcd) return null;
  const cm = manifestFlags('kube-controller-manager')?.flags ?? {};
  const a = api.flags;
  const version = /:(v[\d.]+)$/.exec(api.image)?.[1] ?? 'v1.34.1';
  const args = [
    `--advertise-address=${a['advertise-address']}`, `--secure-port=${a['secure-port'] ?? 6443}`, '--bind-address=0.0.0.0',
    `--tls-cert-file=${a['tls-cert-file']}`, `--tls-private-key-file=${a['tls-private-key-file']}`, `--client-ca-file=${a['client-ca-file']}`,
    `--service-cluster-ip-range=${a['service-cluster-ip-range']}`, `--kubernetes-version=${version}`, `--node-name=${nodeName}`,
    `--cluster-name=${cm['cluster-name'] ?? 'kubernetes'}`,
  ];
  const members = (etcd.flags['initial-cluster'] ?? '').split(',').map((m) => m.split('=')).filter(([name]) => name && name !== nodeName);
  if (etcd.flags['initial-cluster-state'] === 'existing' && members.length > 0) {
    const host = new URL(members[0][1]).hostname;
    return [...args, `--upstream=https://${host}:6443`, `--upstream-kubeconfig=${ADMIN_CONF}`];
  }
  return [
    ...args,
    `--cluster-cidr=${cm['allocate-node-cidrs'] === 'true' ? cm['cluster-cidr'] ?? '' : ''}`, `--node-cidr-mask-size=${cm['node-cidr-mask-size'] ?? 24}`,
    `--cluster-signing-cert-file=${cm['cluster-signing-cert-file'] ?? ''}`, `--cluster-signing-key-file=${cm['cluster-signing-key-file'] ?? ''}`,
    `--control-plane-endpoint=${api.flags['advertise-address']}:${a['secure-port'] ?? 6443}`,
  ];
}

let startedAt = 0;

/** Starts or stops this node's control plane to match the manifests (one kubelet sync). */
export async function syncStaticPods(nodeName) {
  const flags = controlPlaneFlags(nodeName);
  const running = localApiServers().filter((e) => alive(e.pid, 'kube-apiserver'));
  if (!flags) {
    if (running.length) await stopApiServers();
    return;
  }
  // A server just started registers itself within a moment: do not start a second one meanwhile.
  if (running.length === 0 && Date.now() - startedAt > 5000) {
    startApiServer(flags);
    startedAt = Date.now();
  }
}
