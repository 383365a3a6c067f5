/**
 * Checks of one node against what kubeadm and Rackpilot's bootstrap need, each a pure function
 * of the gathered facts. Thresholds are kubeadm's own where kubeadm has one (its preflight
 * refuses a control plane with fewer than 2 CPUs or less than 1700 MB of RAM), so a node that
 * passes here does not fail kubeadm's [ERROR NumCPU] / [ERROR Mem] later.
 */
import type { PreflightCheck } from '../../../../shared/domain/cluster-record';
import { kubernetesNodeName } from '../../../../shared/domain/cluster';
import { check, formatKiB, type PreflightNode } from './check';
import type { NodeFacts } from './facts';

/** kubeadm's ControlPlaneNumCPU and ControlPlaneMem (MB of sysinfo's total RAM, i.e. MemTotal / 1024). */
export const KUBEADM_CONTROL_PLANE_CPUS = 2;
export const KUBEADM_CONTROL_PLANE_MIB = 1700;
/**
 * The docs' "2 GiB or more of RAM per machine". A 2 GiB machine reports a little less in
 * MemTotal (the kernel keeps some), so the warning starts below 1900 MiB.
 */
export const RECOMMENDED_MIB = 1900;

/** The releases Rackpilot's bootstrap (apt, pkgs.k8s.io, containerd from the distribution) is made for. */
export const SUPPORTED_OS: Record<string, string[]> = { debian: ['12', '13'], ubuntu: ['22.04', '24.04'] };
const SUPPORTED_TEXT = 'Debian 12 or 13, Ubuntu 22.04 or 24.04';

const ARCHES: Record<string, string> = { x86_64: 'amd64', amd64: 'amd64', aarch64: 'arm64', arm64: 'arm64' };

export function checkOs(node: PreflightNode, facts: NodeFacts): PreflightCheck {
  const title = 'Operating system';
  if (!facts.tools['apt-get']) {
    return check('os', node.id, title, 'fail', `${facts.os?.prettyName ?? 'This system'} has no apt-get`,
      `Rackpilot installs containerd and the Kubernetes packages with apt. Reinstall the node with ${SUPPORTED_TEXT}.`);
  }
  if (!facts.os) {
    return check('os', node.id, title, 'warn', '/etc/os-release is missing, so the release is unknown',
      `Rackpilot's bootstrap is made for ${SUPPORTED_TEXT}; on other releases a package step may fail.`);
  }
  const { id, versionId, prettyName } = facts.os;
  if (SUPPORTED_OS[id]?.includes(versionId)) return check('os', node.id, title, 'pass', prettyName);
  return check('os', node.id, title, 'warn', `${prettyName} is not a release Rackpilot's bootstrap is made for`,
    `It may still work (it uses apt and pkgs.k8s.io). If a package step fails, reinstall the node with ${SUPPORTED_TEXT}.`);
}

export function checkArch(node: PreflightNode, facts: NodeFacts): PreflightCheck {
  const title = 'CPU architecture';
  const machine = facts.machine ?? 'unknown';
  const arch = ARCHES[machine];
  if (arch) return check('arch', node.id, title, 'pass', `${arch} (${machine})`);
  return check('arch', node.id, title, 'fail', `${machine} is not supported`,
    'Rackpilot builds clusters on amd64 (x86_64) and arm64 (aarch64) nodes: use another machine for this role.');
}

export function checkCpus(node: PreflightNode, facts: NodeFacts): PreflightCheck {
  const title = 'CPUs';
  const n = facts.cpus;
  if (n === null) return check('cpus', node.id, title, 'warn', 'The number of CPUs could not be read (nproc failed)', 'Check that the node has at least 2 CPUs.');
  const seen = `${n} CPU${n === 1 ? '' : 's'}`;
  if (n >= KUBEADM_CONTROL_PLANE_CPUS) return check('cpus', node.id, title, 'pass', seen);
  if (node.role === 'control-plane') {
    return check('cpus', node.id, title, 'fail', `${seen}: kubeadm refuses a control plane with fewer than ${KUBEADM_CONTROL_PLANE_CPUS} ([ERROR NumCPU])`,
      `Give the node at least ${KUBEADM_CONTROL_PLANE_CPUS} CPUs (for a VM: raise its vCPU count and reboot), or make it a worker.`);
  }
  return check('cpus', node.id, title, 'warn', `${seen}: a worker works with one, but the kubelet, containerd and the network plugin leave little for your pods`,
    'Give the node 2 CPUs or more if your workloads need room.');
}

export function checkMemory(node: PreflightNode, facts: NodeFacts): PreflightCheck {
  const title = 'Memory';
  const kib = facts.memTotalKiB;
  if (kib === null) return check('memory', node.id, title, 'warn', 'MemTotal could not be read from /proc/meminfo', 'Check that the node has 2 GiB of RAM or more.');
  const mib = Math.floor(kib / 1024);
  const seen = `${formatKiB(kib)} of RAM`;
  if (mib >= RECOMMENDED_MIB) return check('memory', node.id, title, 'pass', seen);
  if (node.role === 'control-plane' && mib < KUBEADM_CONTROL_PLANE_MIB) {
    return check('memory', node.id, title, 'fail',
      `${seen} (${mib} MB): kubeadm refuses a control plane with less than ${KUBEADM_CONTROL_PLANE_MIB} MB ([ERROR Mem])`,
      'Give the node 2 GiB of RAM or more (for a VM: raise its memory and reboot).');
  }
  return check('memory', node.id, title, 'warn', `${seen}: less than the 2 GiB per machine Kubernetes recommends, leaving little room for pods`,
    'Give the node 2 GiB of RAM or more if you can.');
}

/** A lower-case RFC 1123 DNS name, as Kubernetes requires of node names. */
export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}

/**
 * Rackpilot renders nodeRegistration.name (kubernetesNodeName of the inventory name), so the
 * hostname is not what registers the node; a different hostname still confuses people reading
 * logs and prompts, hence a warning, not a failure.
 */
export function checkHostname(node: PreflightNode, facts: NodeFacts): PreflightCheck {
  const title = 'Hostname';
  const kubeName = kubernetesNodeName(node.name);
  const host = facts.hostname;
  const rename = `sudo hostnamectl set-hostname ${kubeName}`;
  if (!host) return check('hostname', node.id, title, 'warn', 'The hostname could not be read', `Set it to the node's Kubernetes name: ${rename}`);
  if (!isDnsSubdomain(host)) {
    return check('hostname', node.id, title, 'warn',
      `"${host}" is not a valid Kubernetes node name (lower-case letters, digits, "-" and "."); Kubernetes will call the node "${kubeName}"`,
      `Rename it so the hostname and the node name agree: ${rename}`);
  }
  if (host !== kubeName) {
    return check('hostname', node.id, title, 'warn',
      `The hostname is "${host}" but Kubernetes will call the node "${kubeName}" (its name in Rackpilot). That works, but logs and prompts on the node will show another name than kubectl`,
      `Rename the node so both agree: ${rename} (or rename it in Rackpilot to "${host}")`);
  }
  return check('hostname', node.id, title, 'pass', `${host}, the name Kubernetes will use`);
}

/**
 * Swap on is a warning, not a failure: the kubelet refuses to start with swap, but the
 * bootstrap's Prerequisites step (the k8s-prereqs recipe) turns it off with `swapoff -a` and
 * comments out its /etc/fstab line, before kubeadm runs. A zram device is called out, because
 * its generator turns it back on at the next boot whatever fstab says.
 */
export function checkSwap(node: PreflightNode, facts: NodeFacts): PreflightCheck {
  const title = 'Swap';
  const manual = 'To turn it off yourself: sudo swapoff -a, and comment out the swap line in /etc/fstab.';
  if (facts.swaps.length === 0) {
    if (facts.fstabSwap.length > 0) {
      return check('swap', node.id, title, 'pass', `Off (/etc/fstab would turn on ${facts.fstabSwap.join(', ')} at boot; the bootstrap's Prerequisites step comments that out)`);
    }
    return check('swap', node.id, title, 'pass', 'Off');
  }
  const areas = facts.swaps.map((s) => `${s.name} (${formatKiB(s.sizeKiB)})`).join(', ');
  const zram = facts.swaps.filter((s) => s.name.startsWith('/dev/zram'));
  if (zram.length > 0) {
    return check('swap', node.id, title, 'warn',
      `Swap is on: ${areas}. The bootstrap turns it off, but ${zram.map((s) => s.name).join(', ')} is zram that comes back at the next boot, and the kubelet then stops`,
      'Remove the zram swap for good: sudo apt-get purge -y systemd-zram-generator zram-config zram-tools (whichever is installed), then sudo swapoff -a.');
  }
  return check('swap', node.id, title, 'warn',
    `Swap is on: ${areas}. The kubelet refuses to run with swap on; the bootstrap's Prerequisites step turns it off and comments out its /etc/fstab line`,
    `Nothing to do if you bootstrap with Rackpilot. ${manual}`);
}
