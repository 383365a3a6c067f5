/**
 * containerd's CRI settings that must agree with kubelet: the runc runtime's SystemdCgroup is
 * derived from the same spec.runtime.cgroupDriver as KubeletConfiguration.cgroupDriver.
 * Format: https://github.com/containerd/containerd/blob/main/docs/cri/config.md ("Cgroup Driver")
 */
import type { ClusterSpec } from '../../../../shared/domain/cluster';

export const CONTAINERD_CONFIG_PATH = '/etc/containerd/config.toml';

/** Config version 2 is containerd 1.x's format; version 3 came with containerd 2.0 (which still reads 2). */
export type ContainerdConfigVersion = 2 | 3;

/** The CRI plugin's table name differs between the two config versions. */
const CRI_RUNTIME_PLUGIN: Record<ContainerdConfigVersion, string> = {
  2: 'plugins."io.containerd.grpc.v1.cri"',
  3: "plugins.'io.containerd.cri.v1.runtime'",
};

/**
 * A complete config.toml: containerd fills in its defaults for everything not named here, and
 * whatever the distribution's file said (docker's package ships one with the CRI plugin disabled)
 * is replaced. The runc runtime's type is spelled out so the file stands on its own.
 */
export function renderContainerdConfig(spec: ClusterSpec, configVersion: ContainerdConfigVersion = 2): string {
  const cri = CRI_RUNTIME_PLUGIN[configVersion];
  const systemdCgroup = spec.runtime.cgroupDriver === 'systemd';
  // kubelet and kubeadm dial spec.runtime.criSocket; containerd must listen exactly there.
  const socketPath = spec.runtime.criSocket.replace(/^unix:\/\//, '');
  return [
    `# containerd config for cluster ${spec.name}, rendered by Rackpilot.`,
    `# SystemdCgroup follows the cluster's cgroup driver (${spec.runtime.cgroupDriver}), as kubelet's cgroupDriver does.`,
    `version = ${configVersion}`,
    '',
    '[grpc]',
    `  address = ${JSON.stringify(socketPath)}`,
    '',
    `[${cri}.containerd]`,
    `  default_runtime_name = "runc"`,
    '',
    `[${cri}.containerd.runtimes.runc]`,
    `  runtime_type = "io.containerd.runc.v2"`,
    '',
    `[${cri}.containerd.runtimes.runc.options]`,
    `  SystemdCgroup = ${systemdCgroup}`,
    '',
  ].join('\n');
}
