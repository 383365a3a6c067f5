/**
 * Join control planes (one at a time: each grows etcd, and two joining at once can lose quorum)
 * and Join workers (all at once). A node is joined when it has kubelet.conf and the cluster lists
 * it. Each attempt issues fresh credentials, writes the join config readable by root only, runs
 * `kubeadm join --config`, and removes the file again, whatever happened.
 */
import type { Diagnosis } from '../../../../../shared/domain/cluster-diagnosis';
import type { JoinRole } from '../../render/join-config';
import { issueJoinCredentials } from '../join-credentials';
import { kubeadmReset, runKubeadmStep } from '../kubeadm-retry';
import { kubectlJson, KUBECTL_ON_NODE } from '../kubectl';
import { mustRun, RACKPILOT_DIR, sh } from '../node-shell';
import { done, pending, type Check, type Phase, type PhaseUnit } from '../phase-runner';
import type { BootstrapRun, Member } from '../types';
import { refuseOtherCluster } from './marker';

export const JOIN_CONFIG_PATH = `${RACKPILOT_DIR}/kubeadm-join.yaml`;
const KUBELET_CONF = '/etc/kubernetes/kubelet.conf';

/** Failures a join with freshly issued credentials does not repeat. */
const FIXED_BY_FRESH_CREDENTIALS: ReadonlySet<Diagnosis['code']> = new Set(['join-token-invalid', 'certificate-key-expired', 'certificate-key-mismatch']);

async function clusterNodeNames(b: BootstrapRun): Promise<Set<string> | string> {
  const r = await kubectlJson<{ items?: { metadata?: { name?: string } }[] }>(b, 'get nodes');
  if (!r.ok) return r.output.split('\n').filter(Boolean).at(-1) ?? 'kubectl failed';
  return new Set((r.value.items ?? []).map((n) => n.metadata?.name ?? ''));
}

async function check(b: BootstrapRun, m: Member): Promise<Check> {
  await refuseOtherCluster(b, m);
  const hasConf = (await sh(b, m.node, `[ -f ${KUBELET_CONF} ]`)).exitCode === 0;
  const names = await clusterNodeNames(b);
  if (typeof names === 'string') return pending(`the cluster's node list could not be read (${names})`);
  const listed = names.has(m.plan.nodeName);
  if (hasConf && listed) return done(`${KUBELET_CONF} exists and node ${m.plan.nodeName} is in the cluster`);
  if (hasConf) return pending(`${KUBELET_CONF} exists but node ${m.plan.nodeName} is not in the cluster (an interrupted join, or another cluster's)`);
  return pending(`not joined yet`);
}

async function removeJoinConfig(b: BootstrapRun, m: Member): Promise<void> {
  // Also after a cancel (no signal then): the file holds a live token.
  await b.deps.remote.run(m.node, `rm -f ${JOIN_CONFIG_PATH}`, { timeoutMs: 30_000 }).catch(() => undefined);
}

async function join(b: BootstrapRun, m: Member, role: JoinRole): Promise<void> {
  const node = m.node;
  const leftover = await sh(b, node, `[ -f ${KUBELET_CONF} ] || [ -n "$(ls -A /etc/kubernetes/manifests 2>/dev/null)" ]`);
  if (leftover.exitCode === 0) await kubeadmReset(b, node, 'an earlier join left its state behind');
  // A Node object without its kubelet (the node was reset or reinstalled) makes kubeadm refuse:
  // "a Node with name … already exists in the cluster".
  const names = await clusterNodeNames(b);
  if (typeof names !== 'string' && names.has(m.plan.nodeName)) {
    b.log(`Node ${m.plan.nodeName} is still listed in the cluster without its kubelet: deleting the stale Node object first`);
    await mustRun(b, b.init.node, `Deleting the stale Node ${m.plan.nodeName}`, `${KUBECTL_ON_NODE} delete node ${m.plan.nodeName}`);
  }

  await runKubeadmStep(b, {
    step: 'join',
    what: `kubeadm join (${role})`,
    node,
    async attempt() {
      const creds = await issueJoinCredentials(b, role);
      try {
        await b.deps.remote.writeFile(node, JOIN_CONFIG_PATH, b.rendered.joinConfig(node.id, creds), { mode: '600', signal: b.signal });
        return await sh(b, node, `kubeadm join --config ${JOIN_CONFIG_PATH}`, { stream: `${node.name}: `, timeoutMs: 20 * 60_000 });
      } finally {
        await removeJoinConfig(b, m);
      }
    },
    cleanup: () => kubeadmReset(b, node, 'cleaning up the failed join'),
    nextAttemptFixes(diagnoses) {
      const fixed = diagnoses.find((d) => FIXED_BY_FRESH_CREDENTIALS.has(d.code));
      return fixed ? `${fixed.title}: the next attempt issues fresh credentials.` : null;
    },
  });
}

const joinUnits = (b: BootstrapRun, role: JoinRole): PhaseUnit[] =>
  b.members
    .filter((m) => !m.plan.init && m.plan.role === role)
    .map((m) => ({ where: m.node.name, check: () => check(b, m), apply: () => join(b, m, role) }));

export const joinControlPlanesPhase: Phase = {
  name: 'Join control planes',
  nothingToDo: 'the cluster has one control plane',
  units: (b) => joinUnits(b, 'control-plane'),
};

export const joinWorkersPhase: Phase = {
  name: 'Join workers',
  parallel: true,
  nothingToDo: 'the cluster has no workers',
  units: (b) => joinUnits(b, 'worker'),
};
