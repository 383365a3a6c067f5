/**
 * kubeadm's preflight errors (cmd/kubeadm/app/preflight/checks.go), read with the output parser,
 * and the config validation errors that stop kubeadm before it starts.
 */
import { parsePreflightErrors, type PreflightFinding } from '../output/preflight';
import { quote, seen, steps } from './evidence';
import type { Evidence, Finding, Rule } from './types';

const RERUN = 'Run the step again.';

function preflightErrors(ev: Evidence, test: (check: string) => boolean): PreflightFinding[] {
  return parsePreflightErrors(ev.input.output).filter((f) => f.kind === 'error' && test(f.check));
}

/** The output line where kubeadm reported this check, for the quote. */
function lineOf(ev: Evidence, finding: PreflightFinding) {
  const escaped = finding.check.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return seen(ev, new RegExp(`\\[ERROR ${escaped}\\]`), ['output']);
}

/** A rule over a family of preflight checks: quote the first, list them all when several. */
function preflightRule(
  rule: Omit<Rule, 'diagnose'>,
  test: (check: string) => boolean,
  explain: (found: PreflightFinding[]) => Finding,
): Rule {
  return {
    ...rule,
    diagnose(ev) {
      const found = preflightErrors(ev, test);
      const first = found[0];
      if (!first) return null;
      const line = lineOf(ev, first);
      const { detail, fix } = explain(found);
      return { detail: `${line ? `${quote(ev, line)}. ` : ''}${detail}`, fix };
    },
  };
}

const isPort = (check: string) => /^Port-\d+$/.test(check);
const isLeftover = (check: string) => /^(FileAvailable--etc-kubernetes|DirAvailable--)/.test(check);
const IP_FORWARD = 'FileContent--proc-sys-net-ipv4-ip_forward';
const isBridge = (check: string) => /^FileContent--proc-sys-net-bridge-bridge-nf-call-ip6?tables$/.test(check);
const isResource = (check: string) => check === 'NumCPU' || check === 'Mem';
/** Checks another rule explains (swap and CRI are node rules, as kubelet reports them too). */
const EXPLAINED = (check: string) =>
  isPort(check) || isLeftover(check) || isBridge(check) || isResource(check) || [IP_FORWARD, 'Swap', 'CRI', 'ImagePull'].includes(check);

export const portInUse = preflightRule(
  { code: 'port-in-use', title: 'Ports Kubernetes needs are already taken', retryable: false },
  isPort,
  (found) => {
    const ports = found.map((f) => f.check.slice('Port-'.length));
    return {
      detail: `Something already listens on port${ports.length > 1 ? 's' : ''} ${ports.join(', ')}.`,
      fix: steps(
        `See what holds ${ports.length > 1 ? 'them' : 'it'}: \`sudo ss -ltnp '( ${ports.map((p) => `sport = :${p}`).join(' or ')} )'\`.`,
        'If it is an earlier Kubernetes on this node (kube-apiserver, etcd, kubelet, kube-scheduler…), tear it down: `sudo kubeadm reset -f` (Rackpilot\'s soft reset does this).',
        'Otherwise stop or move the program that holds the port.',
        RERUN,
      ),
    };
  },
);

export const ipForwardDisabled = preflightRule(
  { code: 'ip-forward-disabled', title: 'IPv4 forwarding is off', retryable: false },
  (check) => check === IP_FORWARD,
  () => ({
    detail: 'The node does not forward IPv4 packets, which pod networking needs.',
    fix: steps(
      "Turn it on and keep it on: `echo 'net.ipv4.ip_forward = 1' | sudo tee /etc/sysctl.d/99-kubernetes.conf && sudo sysctl --system`.",
      '`sysctl net.ipv4.ip_forward` must print 1.',
      RERUN,
    ),
  }),
);

export const bridgeNetfilterMissing = preflightRule(
  { code: 'bridge-netfilter-missing', title: 'Bridged traffic is not passed to iptables', retryable: false },
  isBridge,
  () => ({
    detail: 'The br_netfilter kernel module is not loaded, so kube-proxy rules would not see pod traffic.',
    fix: steps(
      "Load the module now and at boot: `sudo modprobe br_netfilter && echo br_netfilter | sudo tee /etc/modules-load.d/k8s.conf`.",
      "Enable the settings: `printf 'net.bridge.bridge-nf-call-iptables = 1\\nnet.bridge.bridge-nf-call-ip6tables = 1\\n' | sudo tee /etc/sysctl.d/99-kubernetes-bridge.conf && sudo sysctl --system`.",
      RERUN,
    ),
  }),
);

export const insufficientResources = preflightRule(
  { code: 'insufficient-resources', title: 'The node is too small for a control plane', retryable: false },
  isResource,
  (found) => ({
    detail: found.map((f) => `${f.check === 'NumCPU' ? 'CPUs' : 'Memory'}: ${f.message}.`).join(' '),
    fix: steps(
      'Give the node at least 2 CPUs and 2 GiB of RAM (kubeadm requires 2 CPUs and 1700 MB for a control plane); for a virtual machine, change its size and boot it again.',
      RERUN,
    ),
  }),
);

export const leftoverClusterState = preflightRule(
  { code: 'leftover-cluster-state', title: 'An earlier Kubernetes install is still on the node', retryable: false },
  isLeftover,
  (found) => ({
    detail: `kubeadm found files of a previous cluster: ${found.map((f) => f.message).join('; ')}.`,
    fix: steps('Clear them with `sudo kubeadm reset -f` (Rackpilot\'s soft reset), which removes /etc/kubernetes and /var/lib/etcd.', RERUN),
  }),
);

export const imagePullFailed = preflightRule(
  { code: 'image-pull-failed', title: 'Control-plane images could not be pulled', retryable: true },
  (check) => check === 'ImagePull',
  () => ({
    detail: 'The node could not download the Kubernetes images from the registry.',
    fix: steps(
      'Check the node reaches the registry: `curl -sI https://registry.k8s.io/v2/` (DNS, proxy, firewall).',
      'Pull them ahead of time to see the error directly: `sudo kubeadm config images pull`.',
      RERUN,
    ),
  }),
);

export const preflightFailed = preflightRule(
  { code: 'preflight-failed', title: "kubeadm's preflight checks failed", retryable: false },
  (check) => !EXPLAINED(check),
  (found) => ({
    detail: `Failed checks: ${found.map((f) => `${f.check} (${f.message.split('\n')[0]})`).join('; ')}.`,
    fix: steps('Fix what each check names; kubeadm says what it found in the message after the check name.', RERUN),
  }),
);

const CONFIG_INVALID = [
  /strict decoding error/,
  /unknown field "/,
  /: Invalid value: /,
  /: Required value/,
  /no kind "\w+" is registered/,
  /unknown flag: /,
  /invalid configuration for GroupVersionKind/,
];

export const kubeadmConfigInvalid: Rule = {
  code: 'kubeadm-config-invalid',
  title: 'kubeadm rejected its configuration',
  retryable: false,
  diagnose(ev) {
    const line = ev.failed ? seen(ev, CONFIG_INVALID, ['output']) : undefined;
    if (!line) return null;
    return {
      detail: `${quote(ev, line)}. kubeadm stops before changing anything when its config or flags do not validate.`,
      fix: steps(
        'Check the installed kubeadm matches the cluster\'s Kubernetes version (`kubeadm version`): Rackpilot writes the v1beta4 config, which kubeadm reads from 1.31 on.',
        'Validate the file on the node to see every problem: `sudo kubeadm config validate --config <the config file>`.',
        RERUN,
      ),
    };
  },
};

export const PREFLIGHT_RULES: Rule[] = [
  portInUse,
  ipForwardDisabled,
  bridgeNetfilterMissing,
  insufficientResources,
  leftoverClusterState,
  imagePullFailed,
  preflightFailed,
  kubeadmConfigInvalid,
];
