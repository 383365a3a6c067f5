/**
 * kubeadm's own words (cmd/kubeadm/app/cmd: init.go's initDoneTempl, join.go's joinDoneMsg,
 * reset.go's cleanup text, phases/…): the texts the repo's parsers (electron/core/kube/output)
 * and diagnose() read, with the differences between minor versions that show in them.
 */
import { err, Exit, out } from './cli.mjs';
import { isRoot } from './record.mjs';

/** Minor as a number for comparisons: 'v1.34.1' → 34. */
export const minorOf = (version) => Number(String(version).replace(/^v/, '').split('.')[1] ?? 34);

const STACK_HINT = 'To see the stack trace of this error execute with --v=5 or higher';
const IGNORE_HINT = '[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`';

/** A failed phase, as kubeadm ends: the error (prefixed "error: " from 1.33) and the stack hint, exit 1. */
export function phaseError(version, phase, message) {
  return new Exit(1, `${minorOf(version) >= 33 ? 'error: ' : ''}error execution phase ${phase}: ${message}\n${STACK_HINT}`);
}

/** A plain command error (not a workflow phase). */
export function commandError(version, message) {
  return new Exit(1, `${minorOf(version) >= 33 ? 'error: ' : ''}${message}\n${STACK_HINT}`);
}

export const finding = (f) => `\t[${f.kind === 'error' ? 'ERROR' : 'WARNING'} ${f.check}]: ${f.message}`;

/** Preflight errors: 1.34 lists them under "[preflight] Some fatal errors occurred:", older ones inside the error. */
export function preflightFailure(version, errors) {
  const lines = errors.map(finding);
  if (minorOf(version) >= 34) {
    err('[preflight] Some fatal errors occurred:');
    lines.forEach((l) => err(l));
    err(IGNORE_HINT);
    return phaseError(version, 'preflight', 'preflight checks failed');
  }
  return new Exit(1, `error execution phase preflight: [preflight] Some fatal errors occurred:\n${lines.join('\n')}\n${IGNORE_HINT}\n${STACK_HINT}`);
}

/** The kubelet never answered on :10248 (phases/init/waitcontrolplane, 1.31+ wording). */
export function kubeletUnhealthy(version, phase) {
  out('[kubelet-check] The kubelet is not healthy after 4m0.000580205s');
  out('');
  out('Unfortunately, an error has occurred, likely caused by:');
  out('\t- The kubelet is not running');
  out('\t- The kubelet is unhealthy due to a misconfiguration of the node in some way (required cgroups disabled)');
  out('');
  out('If you are on a systemd-powered system, you can try to troubleshoot the error with the following commands:');
  out("\t- 'systemctl status kubelet'");
  out("\t- 'journalctl -xeu kubelet'");
  out('');
  return phaseError(version, phase, "failed while waiting for the kubelet to start: The HTTP call equal to 'curl -sSL http://127.0.0.1:10248/healthz' returned error: Get \"http://127.0.0.1:10248/healthz\": context deadline exceeded");
}

/** Go's time.Duration text for a measured wait (e.g. "501.341993ms", "2.500905726s"). */
export function measured(ms) {
  const nanos = Math.round(ms * 1e6) + Math.floor(Math.random() * 1000);
  if (nanos < 1e9) return `${(nanos / 1e6).toFixed(6).replace(/\.?0+$/, '')}ms`;
  return `${(nanos / 1e9).toFixed(9).replace(/\.?0+$/, '')}s`;
}

export function kubeletHealthy(ms) {
  out(`[kubelet-check] The kubelet is healthy after ${measured(ms)}`);
}

/**
 * The tail of a successful init (initDoneTempl): how to use the cluster, the control-plane join
 * command when a controlPlaneEndpoint is set, and the worker join command.
 */
export function initSuccess({ endpoint, token, hash, certificateKey, controlPlaneEndpoint }) {
  const base = `kubeadm join ${endpoint} --token ${token} \\\n\t--discovery-token-ca-cert-hash ${hash} `;
  out('');
  out('Your Kubernetes control-plane has initialized successfully!');
  out('');
  out('To start using your cluster, you need to run the following as a regular user:');
  out('');
  out('  mkdir -p $HOME/.kube');
  out('  sudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config');
  out('  sudo chown $(id -u):$(id -g) $HOME/.kube/config');
  out('');
  out('Alternatively, if you are the root user, you can run:');
  out('');
  out('  export KUBECONFIG=/etc/kubernetes/admin.conf');
  out('');
  out('You should now deploy a pod network to the cluster.');
  out('Run "kubectl apply -f [podnetwork].yaml" with one of the options listed at:');
  out('  https://kubernetes.io/docs/concepts/cluster-administration/addons/');
  out('');
  if (controlPlaneEndpoint && certificateKey) {
    out('You can now join any number of the control-plane node running the following command on each as root:');
    out('');
    out(`  ${base}\\\n\t--control-plane --certificate-key ${certificateKey}`);
    out('');
    out('Please note that the certificate-key gives access to cluster sensitive data, keep it secret!');
    out('As a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use');
    out('"kubeadm init phase upload-certs --upload-certs" to reload certs afterward.');
    out('');
  } else if (controlPlaneEndpoint) {
    out('You can now join any number of control-plane nodes by copying certificate authorities');
    out('and service account keys on each node and then running the following as root:');
    out('');
    out(`  ${base}\\\n\t--control-plane `);
    out('');
  }
  out('Then you can join any number of worker nodes by running the following on each as root:');
  out('');
  out(base);
}

export function joinSuccessWorker() {
  out('');
  out('This node has joined the cluster:');
  out('* Certificate signing request was sent to apiserver and a response was received.');
  out('* The Kubelet was informed of the new secure connection details.');
  out('');
  out("Run 'kubectl get nodes' on the control-plane to see this node join the cluster.");
  out('');
}

export function joinSuccessControlPlane() {
  out('');
  out('This node has joined the cluster and a new control plane instance was created:');
  out('');
  out('* Certificate signing request was sent to apiserver and approval was received.');
  out('* The Kubelet was informed of the new secure connection details.');
  out('* Control plane label and taint were applied to the new node.');
  out('* The Kubernetes control plane instances scaled up.');
  out('* A new etcd member was added to the local/stacked etcd cluster.');
  out('');
  out('To start administering your cluster from this node, you need to run the following as a regular user:');
  out('');
  out('\tmkdir -p $HOME/.kube');
  out('\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config');
  out('\tsudo chown $(id -u):$(id -g) $HOME/.kube/config');
  out('');
  out("Run 'kubectl get nodes' to see this node join the cluster.");
  out('');
}

/** What reset prints last: what it did not clean up (cmd/kubeadm/app/cmd/phases/reset/cleanupnode.go). */
export function resetTail() {
  out('');
  out('The reset process does not clean CNI configuration. To do so, you must remove /etc/cni/net.d');
  out('');
  out('The reset process does not reset or clean up iptables rules or IPVS tables.');
  out('If you wish to reset iptables, you must do so manually by using the "iptables" command.');
  out('');
  out('If your cluster was setup to utilize IPVS, run ipvsadm --clear (or similar)');
  out('to reset your system\'s IPVS tables.');
  out('');
  out('The reset process does not clean your kubeconfig files and you must remove them manually.');
  out('Please, check the contents of the $HOME/.kube/config file.');
}

/** A klog warning line as kubeadm writes it to stderr. */
export function warn(file, message) {
  const d = new Date();
  const p = (n, w = 2) => String(n).padStart(w, '0');
  err(`W${p(d.getMonth() + 1)}${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)} ${String(process.pid).padStart(7)} ${file}] ${message}`);
}

/** kubeadm's first preflight check (IsPrivilegedUserCheck): init, join, reset and certs need root. */
export function requireRoot(version) {
  if (isRoot()) return;
  out('[preflight] Running pre-flight checks');
  throw preflightFailure(version, [{ kind: 'error', check: 'IsPrivilegedUser', message: 'user is not running as root' }]);
}
