/**
 * Pod network failures, from flannel's log (pkg/subnet/kube/kube.go, AcquireLease) and the node
 * conditions kubelet reports until a CNI is configured.
 */
import { quote, seen, steps } from './evidence';
import type { Rule } from './types';

const RESTART_FLANNEL = 'Restart flannel so it takes the new range: `kubectl -n kube-flannel delete pod -l app=flannel`.';

export const podCidrNotAssigned: Rule = {
  code: 'pod-cidr-not-assigned',
  title: 'The node has no pod address range',
  retryable: false,
  diagnose(ev) {
    const line = seen(ev, /failed to acquire lease: node "?([^"\s]+)"? pod cidr not assigned/);
    if (!line) return null;
    return {
      detail: `${quote(ev, line)}. kube-controller-manager gives each node a slice of the pod network only when the cluster was initialised with one (ClusterConfiguration networking.podSubnet, or --pod-network-cidr); without it flannel has no range for node ${line.match[1]}.`,
      fix: steps(
        'Rackpilot sets the pod network from the cluster spec. For a cluster built without it, the clean way is a soft reset and bootstrapping again.',
        'To repair it in place instead: on each control-plane node add `--allocate-node-cidrs=true` and `--cluster-cidr=<the pod CIDR flannel uses>` to the command in /etc/kubernetes/manifests/kube-controller-manager.yaml (kubelet restarts it).',
        "Check every node got one: `kubectl get nodes -o jsonpath='{.items[*].spec.podCIDR}'`.",
        RESTART_FLANNEL,
      ),
    };
  },
};

export const podCidrMismatch: Rule = {
  code: 'pod-cidr-mismatch',
  title: "flannel's network does not contain the cluster's pod CIDR",
  retryable: false,
  diagnose(ev) {
    const line = seen(ev, /subnet "([^"]+)" specified in the flannel net config doesn't contain "([^"]+)" (?:IPv6 )?PodCIDR of the "([^"]+)" node/);
    if (!line) return null;
    const [, flannelNet, nodeCidr, node] = line.match;
    return {
      detail: `${quote(ev, line)}. flannel is configured for ${flannelNet}, but node ${node} was given ${nodeCidr} from the cluster's pod network: the two were set separately and disagree.`,
      fix: steps(
        'Make flannel use the cluster\'s pod network: running the CNI step again in Rackpilot re-applies the manifest rendered from the same spec as kubeadm\'s config.',
        `Or edit it by hand: \`kubectl -n kube-flannel edit configmap kube-flannel-cfg\` and set "Network" in net-conf.json to the pod CIDR (the one containing ${nodeCidr}).`,
        RESTART_FLANNEL,
      ),
    };
  },
};

export const cniNotReady: Rule = {
  code: 'cni-not-ready',
  title: 'The pod network is not running on the node',
  retryable: true,
  symptom: true,
  diagnose(ev) {
    // kubelet logs this routinely until a CNI is applied, so only the node status of a failed
    // wait counts, never the journal.
    if (!ev.failed || (ev.input.step !== 'cni' && ev.input.step !== 'ready')) return null;
    const line = seen(ev, [/NetworkPluginNotReady/, /cni plugin not initialized/, /cni config uninitialized/, /no networks found in \/etc\/cni\/net\.d/], ['output']);
    if (!line) return null;
    return {
      detail: `${quote(ev, line)}. Nodes stay NotReady until the CNI's pod runs on them and writes its config to /etc/cni/net.d.`,
      fix: steps(
        'Check the CNI pods: `kubectl get pods -n kube-flannel -o wide` (`-n calico-system` for Calico).',
        'A pod in CrashLoopBackOff says why in its log: `kubectl -n kube-flannel logs <pod>`.',
        'Nodes turn Ready within a minute of their CNI pod running; run the step again to keep waiting.',
      ),
    };
  },
};

export const CNI_RULES: Rule[] = [podCidrNotAssigned, podCidrMismatch, cniNotReady];
