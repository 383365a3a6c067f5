/**
 * The Node object a kubelet registers and the status it posts, from this machine's real facts
 * (CPUs, memory, kernel, OS, machine-id, product_uuid, boot id) and its CNI state: the Ready
 * condition is false with the container runtime's "cni plugin not initialized" until a network
 * config exists in /etc/cni/net.d, exactly what kubelet reports through containerd.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { rfc3339 } from './format.mjs';
import { CNI_NET_D } from './paths.mjs';
import { nodeInfo } from './record.mjs';

const read = (f, fallback = '') => {
  try {
    return readFileSync(f, 'utf8').trim();
  } catch {
    return fallback;
  }
};

let containerdVersion;
function runtimeVersion() {
  if (containerdVersion === undefined) {
    const out = spawnSync('containerd', ['--version'], { encoding: 'utf8' }).stdout ?? '';
    containerdVersion = `containerd://${/containerd\S*\s+\S+\s+v?(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? '1.7.24'}`;
  }
  return containerdVersion;
}

/** Whether containerd would report NetworkReady: a parseable CNI network config is present. */
export function cniConfigured() {
  try {
    return readdirSync(CNI_NET_D).some((f) => {
      if (!/\.(conflist|conf|json)$/.test(f)) return false;
      try {
        JSON.parse(readFileSync(`${CNI_NET_D}/${f}`, 'utf8'));
        return true;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

const NOT_READY = 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

/** The status a kubelet posts now; `previous` keeps transition times of unchanged conditions. */
export function nodeStatus({ nodeIp, version, previous }) {
  const now = rfc3339();
  const cpu = String(nodeInfo().cpus ?? cpus().length);
  const memKi = `${Math.floor(totalmem() / 1024)}Ki`;
  const ready = cniConfigured();
  const since = (type, status) => {
    const old = (previous?.conditions ?? []).find((c) => c.type === type);
    return old && old.status === status ? old.lastTransitionTime : now;
  };
  const cond = (type, status, reason, message) => ({ type, status, lastHeartbeatTime: now, lastTransitionTime: since(type, status), reason, message });
  const osImage = /PRETTY_NAME="?([^"\n]+)"?/.exec(read('/etc/os-release'))?.[1] ?? 'Linux';
  return {
    capacity: { cpu, 'ephemeral-storage': '30787492Ki', 'hugepages-2Mi': '0', memory: memKi, pods: '110' },
    allocatable: { cpu, 'ephemeral-storage': '28373752581', 'hugepages-2Mi': '0', memory: memKi, pods: '110' },
    conditions: [
      cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      ready ? cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status') : cond('Ready', 'False', 'KubeletNotReady', NOT_READY),
    ],
    addresses: [{ type: 'InternalIP', address: nodeIp }, { type: 'Hostname', address: nodeInfo().name }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: read('/etc/machine-id'),
      systemUUID: read('/sys/class/dmi/id/product_uuid', nodeInfo().productUuid ?? ''),
      bootID: read('/proc/sys/kernel/random/boot_id'),
      kernelVersion: release(),
      osImage,
      containerRuntimeVersion: runtimeVersion(),
      kubeletVersion: version,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

/** The Node object kubelet registers (labels it sets on itself). */
export function nodeObject({ name, nodeIp, version, criSocket }) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux',
      },
      annotations: {
        ...(criSocket ? { 'kubeadm.alpha.kubernetes.io/cri-socket': criSocket } : {}),
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {},
    status: nodeStatus({ nodeIp, version }),
  };
}
