/**
 * Wait for Ready: every node Ready and CoreDNS running, looked at on the init node every few
 * seconds. When time runs out, what the nodes and pods say — node conditions, the CNI's pods and
 * their logs — goes through diagnose(), which names causes like a pod CIDR mismatch.
 */
import { diagnose } from '../../diagnose/diagnose';
import { FLANNEL_NAMESPACE } from '../../render/flannel-manifest';
import { clusterHealth, troubledPods, type Health, type NodeList, type PodList } from '../cluster-health';
import { kubectlJson, KUBECTL_ON_NODE } from '../kubectl';
import { bootstrapFailure } from '../kubeadm-retry';
import { pause, sh } from '../node-shell';
import { done, pending, type Check, type Phase } from '../phase-runner';
import type { BootstrapRun } from '../types';

/** The CNI's namespace and pod selector, for its pods' state and logs. */
const CNI_PODS = { flannel: { ns: FLANNEL_NAMESPACE, selector: 'app=flannel' }, calico: { ns: 'calico-system', selector: 'k8s-app=calico-node' } } as const;

async function look(b: BootstrapRun): Promise<Health> {
  const cni = CNI_PODS[b.rendered.cni.plugin];
  const expected = b.members.map((m) => m.plan.nodeName);
  const nodes = await kubectlJson<NodeList>(b, 'get nodes');
  if (!nodes.ok) return { ready: false, summary: 'the node list could not be read', problems: [`kubectl get nodes failed: ${nodes.output.trim().split('\n').at(-1) ?? ''}`] };
  const systemPods = await kubectlJson<PodList>(b, '-n kube-system get pods');
  const cniPods = await kubectlJson<PodList>(b, `-n ${cni.ns} get pods -l ${cni.selector}`);
  return clusterHealth({
    expected,
    nodes: nodes.value,
    systemPods: systemPods.ok ? systemPods.value : { items: [] },
    cni: { name: b.rendered.cni.plugin, pods: cniPods.ok ? cniPods.value : { items: [] } },
  });
}

async function check(b: BootstrapRun): Promise<Check> {
  const health = await look(b);
  return health.ready ? done(health.summary) : pending(`${health.summary}: ${health.problems[0] ?? ''}`);
}

/** Everything that can explain the wait, as text for diagnose() (and the error's last resort). */
async function evidence(b: BootstrapRun, health: Health): Promise<string> {
  const cni = CNI_PODS[b.rendered.cni.plugin];
  const lines = [...health.problems];
  const pods = await kubectlJson<PodList>(b, `-n ${cni.ns} get pods`);
  // The namespace's other pods too (calico's typha and controllers); repeats do no harm to diagnose().
  if (pods.ok) lines.push(...troubledPods(pods.value));
  const logs = await sh(b, b.init.node, `${KUBECTL_ON_NODE} -n ${cni.ns} logs -l ${cni.selector} --tail=50 --all-containers 2>&1 || true`, { timeoutMs: 90_000 });
  lines.push(...logs.stdout.split('\n').filter(Boolean));
  return lines.join('\n');
}

async function apply(b: BootstrapRun): Promise<Check> {
  const deadline = Date.now() + b.timing.readyTimeoutMs;
  let last = '';
  for (;;) {
    const health = await look(b);
    if (health.ready) return done(health.summary);
    if (health.summary !== last) b.log(`Waiting for Ready: ${health.summary}${health.problems[0] ? ` — ${health.problems[0]}` : ''}`);
    last = health.summary;
    if (Date.now() >= deadline) {
      const output = await evidence(b, health);
      const diagnoses = diagnose({ step: 'ready', exitCode: 1, output, cgroupDriver: b.spec.runtime.cgroupDriver });
      const seconds = Math.round(b.timing.readyTimeoutMs / 1000);
      const waited = seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
      const cause = diagnoses.length > 0 ? diagnoses.map((d) => d.title).join('; ') : health.problems.join('; ');
      throw bootstrapFailure(
        `Cluster ${b.spec.name} was not Ready after ${waited} (${health.summary}): ${cause}. ${diagnoses.length > 0 ? 'The diagnosis says what to fix' : 'The job log has what the nodes and pods report'}; then run the bootstrap again: it resumes with this wait.`,
        diagnoses,
      );
    }
    await pause(Math.min(b.timing.pollMs, Math.max(0, deadline - Date.now())), b.signal);
  }
}

export const waitReadyPhase: Phase = {
  name: 'Wait for Ready',
  units: (b) => [{ where: '', check: () => check(b), apply: () => apply(b) }],
};
