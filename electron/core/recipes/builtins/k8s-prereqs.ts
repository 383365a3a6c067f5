/**
 * What kubeadm's preflight checks want of a node before `kubeadm init` or `join`: swap off,
 * the overlay and br_netfilter modules, bridged traffic visible to iptables, IP forwarding, and
 * containerd running with the systemd cgroup driver (the kubelet's default since 1.22).
 */
import { debianOnly } from '../os-info';
import type { Recipe } from '../recipe';
import { aptInstall, backupOnce, fileIs, serviceRunning, writeFile } from '../shell';

const MODULES = ['overlay', 'br_netfilter'];
const MODULES_FILE = '/etc/modules-load.d/rackpilot-kubernetes.conf';
const SYSCTLS: Record<string, string> = {
  'net.bridge.bridge-nf-call-iptables': '1',
  'net.bridge.bridge-nf-call-ip6tables': '1',
  'net.ipv4.ip_forward': '1',
};
const SYSCTL_FILE = '/etc/sysctl.d/99-rackpilot-kubernetes.conf';
const CONTAINERD_CONFIG = '/etc/containerd/config.toml';

const modulesContent = `# Managed by Rackpilot: modules Kubernetes networking needs.\n${MODULES.join('\n')}\n`;
const sysctlContent = `# Managed by Rackpilot: kernel settings Kubernetes networking needs.\n${Object.entries(SYSCTLS)
  .map(([k, v]) => `${k} = ${v}`)
  .join('\n')}\n`;

export const k8sPrereqsRecipe: Recipe = {
  id: 'k8s-prereqs',
  title: 'Kubernetes node prerequisites',
  description: 'Swap off, overlay and br_netfilter loaded at boot, bridge and forwarding sysctls, containerd with the systemd cgroup driver.',
  unsupported: debianOnly,
  steps: [
    {
      id: 'swap-off',
      title: 'Turn swap off',
      check: () => `on=$(swapon --noheadings --show=NAME 2>/dev/null | tr '\\n' ' ')
[ -z "$on" ] || { echo "swap is on: $on"; exit 1; }
awk '$1 !~ /^#/ && $3 == "swap" { found = 1 } END { exit !found }' /etc/fstab && { echo "/etc/fstab turns swap on at boot"; exit 1; }
echo "swap is off"`,
      // The kubelet refuses to start with swap on; the fstab line is commented, not deleted.
      apply: () => `swapoff -a
${backupOnce('/etc/fstab')}
awk '$1 !~ /^#/ && $3 == "swap" { print "# Swap turned off by Rackpilot (the kubelet needs it off): " $0; next } { print }' /etc/fstab > /etc/fstab.rackpilot-tmp && cat /etc/fstab.rackpilot-tmp > /etc/fstab && rm -f /etc/fstab.rackpilot-tmp`,
    },
    {
      id: 'modules',
      title: 'Load overlay and br_netfilter',
      check: () => `${fileIs(MODULES_FILE, modulesContent, '644')} >/dev/null || exit 1
for m in ${MODULES.join(' ')}; do [ -d "/sys/module/$m" ] || { echo "module $m is not loaded"; exit 1; }; done
echo "${MODULES.join(' and ')} are loaded and load at boot"`,
      apply: () => `${writeFile(MODULES_FILE, modulesContent, '644')}
for m in ${MODULES.join(' ')}; do modprobe "$m" || { echo "modprobe $m failed: is this kernel built without it?" >&2; exit 2; }; done`,
    },
    {
      id: 'sysctls',
      title: 'Bridge and forwarding sysctls',
      check: () => `${fileIs(SYSCTL_FILE, sysctlContent, '644')} >/dev/null || { echo "${SYSCTL_FILE} is not up to date"; exit 1; }
${Object.entries(SYSCTLS)
  .map(([k, v]) => `[ "$(sysctl -n ${k} 2>/dev/null)" = "${v}" ] || { echo "${k} is not ${v}"; exit 1; }`)
  .join('\n')}
echo "${Object.keys(SYSCTLS).join(', ')} are set"`,
      apply: () => `${writeFile(SYSCTL_FILE, sysctlContent, '644')}
sysctl -q -p ${SYSCTL_FILE}`,
    },
    {
      id: 'containerd',
      title: 'Install containerd',
      check: () => `command -v containerd >/dev/null && { echo "containerd is installed ($(containerd --version | head -n 1))"; exit 0; }
echo "containerd is not installed"; exit 1`,
      apply: () => aptInstall(['containerd']),
    },
    {
      id: 'containerd-config',
      title: 'containerd with the systemd cgroup driver',
      // docker.io's containerd ships a config that disables the CRI plugin the kubelet talks to.
      check: () => `f=${CONTAINERD_CONFIG}
[ -f "$f" ] || { echo "$f is missing"; exit 1; }
grep -Eq '^[[:space:]]*disabled_plugins[[:space:]]*=.*"cri"' "$f" && { echo "$f disables the CRI plugin"; exit 1; }
grep -Eq '^[[:space:]]*SystemdCgroup[[:space:]]*=[[:space:]]*true' "$f" || { echo "$f does not set SystemdCgroup = true"; exit 1; }
echo "containerd uses the systemd cgroup driver with CRI on"`,
      apply: () => `f=${CONTAINERD_CONFIG}
mkdir -p /etc/containerd
${backupOnce(CONTAINERD_CONFIG)}
containerd config default > "$f.rackpilot-tmp" || exit 2
sed -i -E 's/^([[:space:]]*SystemdCgroup[[:space:]]*=[[:space:]]*)false/\\1true/' "$f.rackpilot-tmp"
grep -Eq '^[[:space:]]*SystemdCgroup[[:space:]]*=[[:space:]]*true' "$f.rackpilot-tmp" || { echo "containerd's default config has no SystemdCgroup setting to turn on" >&2; exit 2; }
mv -f "$f.rackpilot-tmp" "$f"
if systemctl is-active -q containerd 2>/dev/null; then systemctl restart containerd; fi`,
    },
    { id: 'containerd-service', title: 'Run containerd', check: () => serviceRunning('containerd.service'), apply: () => 'systemctl enable --now containerd.service' },
  ],
};
