import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from './diagnose';
import type { DiagnoseInput, DiagnosisCode } from './types';

const fixture = (name: string) => readFileSync(join(__dirname, '../output/fixtures', name), 'utf8');

interface Case {
  name: string;
  input: DiagnoseInput;
  codes: DiagnosisCode[];
  /** Substrings the first diagnosis must contain: in its detail (what was seen) and its fix. */
  detail: string[];
  fix: string[];
}

const init = (output: string, kubeletJournal?: string, extra: Partial<DiagnoseInput> = {}): DiagnoseInput => ({
  step: 'init',
  exitCode: 1,
  output: fixture(output),
  ...(kubeletJournal ? { kubeletJournal: fixture(kubeletJournal) } : {}),
  ...extra,
});
const join_ = (output: string): DiagnoseInput => ({ step: 'join', exitCode: 1, output: fixture(output) });

const CASES: Case[] = [
  {
    name: 'cgroup driver mismatch: kubelet vs docker (journal)',
    input: init('init-kubelet-unhealthy-legacy.txt', 'kubelet-journal-cgroup-docker.txt'),
    codes: ['cgroup-driver-mismatch'],
    detail: ['The kubelet journal says', 'is different from docker cgroup driver'],
    fix: ['/etc/containerd/config.toml', 'SystemdCgroup = true', 'native.cgroupdriver=systemd', 'sudo kubeadm reset -f'],
  },
  {
    name: 'cgroup driver mismatch: runc wants systemd paths, kubelet uses cgroupfs',
    input: init('init-control-plane-unhealthy-v1.33.txt', 'kubelet-journal-cgroupspath.txt'),
    codes: ['cgroup-driver-mismatch'],
    detail: ['expected cgroupsPath to be of format'],
    fix: ['sudo systemctl restart containerd', 'grep cgroupDriver /var/lib/kubelet/config.yaml'],
  },
  {
    name: 'cgroup driver mismatch: the runtime reports cgroupfs for a systemd cluster',
    input: init('init-control-plane-unhealthy-v1.33.txt', 'kubelet-journal-systemdcgroup-false.txt', { cgroupDriver: 'systemd' }),
    codes: ['cgroup-driver-mismatch'],
    detail: ['cgroupDriver="cgroupfs"', 'set up for "systemd"'],
    fix: ['SystemdCgroup = true'],
  },
  {
    name: 'cgroup driver mismatch: containerd SystemdCgroup false and kubelet unhealthy',
    input: { step: 'init', exitCode: 1, output: `${fixture('init-kubelet-unhealthy-v1.31.txt')}\n${fixture('crictl-info-systemdcgroup-false.txt')}` },
    codes: ['cgroup-driver-mismatch'],
    detail: ['"SystemdCgroup": false'],
    fix: ['SystemdCgroup = true'],
  },
  {
    name: 'swap: preflight error',
    input: init('init-preflight-swap-v1.27.txt'),
    codes: ['swap-enabled'],
    detail: ['kubeadm init printed: "[ERROR Swap]: running with swap on is not supported. Please disable swap"'],
    fix: ['sudo swapoff -a', '/etc/fstab', 'swapon --show'],
  },
  {
    name: 'swap: kubelet refuses to run (1.28+, preflight only warns)',
    input: init('init-kubelet-unhealthy-v1.31.txt', 'kubelet-journal-swap.txt'),
    codes: ['swap-enabled'],
    detail: ['The kubelet journal says', 'running with swap on is not supported, please disable swap'],
    fix: ['sudo swapoff -a'],
  },
  {
    name: 'container runtime: CRI plugin disabled',
    input: init('init-preflight-cri-disabled-v1.30.txt'),
    codes: ['container-runtime-down'],
    detail: ['[ERROR CRI]: container runtime is not running', 'CRI plugin switched off'],
    fix: ['disabled_plugins', 'sudo systemctl restart containerd', 'sudo crictl info'],
  },
  {
    name: 'container runtime: socket missing (kubelet journal)',
    input: init('init-kubelet-unhealthy-v1.31.txt', 'kubelet-journal-runtime-down.txt'),
    codes: ['container-runtime-down'],
    detail: ['dial unix /run/containerd/containerd.sock: connect: no such file or directory'],
    fix: ['sudo systemctl enable --now containerd', 'journalctl -u containerd'],
  },
  {
    name: 'kubelet unhealthy without a known cause (1.31 layout)',
    input: init('init-kubelet-unhealthy-v1.31.txt'),
    codes: ['kubelet-unhealthy'],
    detail: ['[kubelet-check] The kubelet is not healthy after 4m0.000580205s'],
    fix: ['journalctl -xeu kubelet', 'swapon --show'],
  },
  {
    name: 'kubelet unhealthy without a known cause (legacy layout)',
    input: init('init-kubelet-unhealthy-legacy.txt'),
    codes: ['kubelet-unhealthy'],
    detail: ["It seems like the kubelet isn't running or healthy"],
    fix: ['journalctl -xeu kubelet'],
  },
  {
    name: 'control plane unhealthy',
    input: init('init-control-plane-unhealthy-v1.33.txt'),
    codes: ['control-plane-unhealthy'],
    detail: ['kube-controller-manager is not healthy after'],
    fix: ['sudo crictl ps -a | grep kube | grep -v pause', 'sudo crictl logs'],
  },
  {
    name: 'ports in use, with leftover manifests (init run twice)',
    input: init('init-preflight-port-in-use.txt'),
    codes: ['port-in-use', 'leftover-cluster-state'],
    detail: ['[ERROR Port-6443]: Port 6443 is in use', 'ports 6443, 10259, 10257, 10250, 2379, 2380'],
    fix: ["sudo ss -ltnp '( sport = :6443 or sport = :10259", 'sudo kubeadm reset -f'],
  },
  {
    name: 'ip_forward off (1.34 layout)',
    input: init('init-preflight-ip-forward-v1.34.txt'),
    codes: ['ip-forward-disabled'],
    detail: ['[ERROR FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1'],
    fix: ['net.ipv4.ip_forward = 1', 'sudo sysctl --system'],
  },
  {
    name: 'br_netfilter missing',
    input: init('init-preflight-bridge-nf-v1.26.txt'),
    codes: ['bridge-netfilter-missing'],
    detail: ['bridge-nf-call-iptables does not exist'],
    fix: ['sudo modprobe br_netfilter', 'net.bridge.bridge-nf-call-iptables = 1'],
  },
  {
    name: 'too few CPUs and too little memory',
    input: init('init-preflight-resources.txt'),
    codes: ['insufficient-resources'],
    detail: ['[ERROR NumCPU]', 'Memory: the system RAM (969 MB) is less than the minimum 1700 MB'],
    fix: ['at least 2 CPUs and 2 GiB'],
  },
  {
    name: 'image pull failed (not mistaken for an unreachable API server)',
    input: init('init-preflight-image-pull.txt'),
    codes: ['image-pull-failed'],
    detail: ['[ERROR ImagePull]'],
    fix: ['https://registry.k8s.io/v2/', 'kubeadm config images pull'],
  },
  {
    name: 'every preflight error at once, each named once',
    input: init('init-preflight-errors.txt'),
    codes: ['swap-enabled', 'container-runtime-down', 'port-in-use', 'ip-forward-disabled', 'bridge-netfilter-missing', 'insufficient-resources', 'leftover-cluster-state'],
    detail: ['[ERROR Swap]'],
    fix: ['sudo swapoff -a'],
  },
  {
    name: 'invalid kubeadm config',
    input: { step: 'init', exitCode: 3, output: fixture('init-config-invalid.txt') },
    codes: ['kubeadm-config-invalid'],
    detail: ['strict decoding error: unknown field "networking.podCIDR"'],
    fix: ['kubeadm config validate --config'],
  },
  {
    name: 'join: token expired (JWS signature missing)',
    input: join_('join-token-expired-v1.29.txt'),
    codes: ['join-token-invalid'],
    detail: ['could not find a JWS signature in the cluster-info ConfigMap for token ID "rb6uj0"', 'expire'],
    fix: ['sudo kubeadm token create --print-join-command', 'sudo kubeadm token list'],
  },
  {
    name: 'join: token invalid (1.34 wording)',
    input: join_('join-token-invalid-v1.34.txt'),
    codes: ['join-token-invalid'],
    detail: ['token id "rb6uj0" is invalid for this cluster or it has expired'],
    fix: ['kubeadm token create --print-join-command'],
  },
  {
    name: "join: CA hash is another cluster's",
    input: join_('join-bad-ca-hash.txt'),
    codes: ['ca-cert-hash-mismatch'],
    detail: ['none of the public keys', "The cluster's CA hash is sha256:66ae9e6395cb808dd241f4db6c7fe7ea5783b411868cd9faf2a4268c1bea6b77"],
    fix: ['openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt', '--discovery-token-ca-cert-hash sha256:<hash>'],
  },
  {
    name: 'control-plane join: uploaded certificates expired',
    input: join_('join-certkey-expired-v1.31.txt'),
    codes: ['certificate-key-expired'],
    detail: ['Secret "kubeadm-certs" was not found', 'two hours'],
    fix: ['sudo kubeadm init phase upload-certs --upload-certs', '--control-plane --certificate-key <key>'],
  },
  {
    name: 'control-plane join: certificate key does not decrypt',
    input: join_('join-certkey-mismatch.txt'),
    codes: ['certificate-key-mismatch'],
    detail: ['error decoding secret data with provided key: cipher: message authentication failed'],
    fix: ['sudo kubeadm init phase upload-certs --upload-certs', 'one at a time'],
  },
  {
    name: 'join: no route to host (firewall REJECT)',
    input: join_('join-no-route.txt'),
    codes: ['api-server-unreachable'],
    detail: ['dial tcp 192.168.50.11:6443: connect: no route to host', 'REJECT'],
    fix: ['nc -vz 192.168.50.11 6443', 'firewall-cmd --add-port=6443/tcp'],
  },
  {
    name: 'join: request timed out',
    input: join_('join-timeout.txt'),
    codes: ['api-server-unreachable'],
    detail: ['Client.Timeout exceeded while awaiting headers', 'DROP'],
    fix: ['nc -vz 192.168.50.11 6443'],
  },
  {
    name: 'join: dial i/o timeout (1.34 wording)',
    input: join_('join-io-timeout.txt'),
    codes: ['api-server-unreachable'],
    detail: ['dial tcp 192.168.50.11:6443: i/o timeout'],
    fix: ['6443/tcp is open'],
  },
  {
    name: 'CNI apply: API server refused',
    input: { step: 'cni', exitCode: 1, output: fixture('cni-apply-connection-refused.txt') },
    codes: ['api-server-unreachable'],
    detail: ['The CNI step printed', 'connect: connection refused', 'nothing listens on 6443'],
    fix: ['sudo crictl ps -a | grep kube-apiserver'],
  },
  {
    name: 'kubectl: the connection to the server was refused',
    input: { step: 'ready', exitCode: 1, output: fixture('kubectl-server-refused.txt') },
    codes: ['api-server-unreachable'],
    detail: ['The connection to the server 192.168.50.11:6443 was refused'],
    fix: ['nc -vz 192.168.50.11 6443'],
  },
  {
    name: 'flannel: pod cidr not assigned',
    input: { step: 'cni', exitCode: 0, output: fixture('flannel-pod-cidr-not-assigned.txt') },
    codes: ['pod-cidr-not-assigned'],
    detail: ['failed to acquire lease: node "lab-cp" pod cidr not assigned', 'networking.podSubnet', 'node lab-cp'],
    fix: ['--allocate-node-cidrs=true', "jsonpath='{.items[*].spec.podCIDR}'", 'kubectl -n kube-flannel delete pod -l app=flannel'],
  },
  {
    name: 'flannel: its network does not contain the node pod CIDR',
    input: { step: 'ready', exitCode: 1, output: `${fixture('ready-cni-not-ready.txt')}\n${fixture('flannel-pod-cidr-mismatch.txt')}` },
    codes: ['pod-cidr-mismatch'],
    detail: ['flannel is configured for 10.244.0.0/16, but node lab-node1 was given 192.168.1.0/24'],
    fix: ['kubectl -n kube-flannel edit configmap kube-flannel-cfg'],
  },
  {
    name: 'nodes NotReady: no CNI yet',
    input: { step: 'ready', exitCode: 1, output: fixture('ready-cni-not-ready.txt') },
    codes: ['cni-not-ready'],
    detail: ['cni plugin not initialized'],
    fix: ['kubectl get pods -n kube-flannel -o wide'],
  },
];

describe('diagnose', () => {
  it.each(CASES)('$name', ({ input, codes, detail, fix }) => {
    const found = diagnose(input);
    expect(found.map((d) => d.code)).toEqual(codes);
    const [first] = found;
    for (const text of detail) expect(first?.detail).toContain(text);
    for (const text of fix) expect(first?.fix).toContain(text);
    for (const d of found) {
      expect(d.title).not.toBe('');
      expect(d.fix).toMatch(/^1\. /); // plain-language steps
    }
  });
});
