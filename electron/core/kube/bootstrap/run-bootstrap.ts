/**
 * The bootstrap job body (issue 7 §3): phases in order, each checked first so a re-run — after a
 * failure, a cancel or a killed app — skips what is done and resumes at the first unfinished one.
 */
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import type { JobContext } from '../../jobs/jobs-service';
import { redactKubeadmOutput } from '../output/redact';
import { BOOTSTRAP_FAILED } from './node-shell';
import { runPhase, type Phase } from './phase-runner';
import { containerdPhase } from './phases/containerd';
import { joinControlPlanesPhase, joinWorkersPhase } from './phases/joins';
import { kubeadmInitPhase } from './phases/kubeadm-init';
import { kubeconfigPhase } from './phases/kubeconfig';
import { markerPhase } from './phases/marker';
import { packagesPhase } from './phases/packages';
import { podNetworkPhase } from './phases/pod-network';
import { prerequisitesPhase } from './phases/prerequisites';
import { repositoryPhase } from './phases/repository';
import { validateConfigPhase } from './phases/validate-config';
import { waitReadyPhase } from './phases/wait-ready';
import type { BootstrapDeps, BootstrapInput, BootstrapResult, BootstrapRun, BootstrapTiming, Member, PhaseReport } from './types';

const PHASES: readonly Phase[] = [
  prerequisitesPhase,
  repositoryPhase,
  packagesPhase,
  containerdPhase,
  validateConfigPhase,
  kubeadmInitPhase,
  kubeconfigPhase,
  podNetworkPhase,
  joinControlPlanesPhase,
  joinWorkersPhase,
  waitReadyPhase,
  markerPhase,
];

/** The job's phase names, in order. */
export const BOOTSTRAP_PHASES: string[] = PHASES.map((p) => p.name);

export const DEFAULT_TIMING: BootstrapTiming = { readyTimeoutMs: 10 * 60_000, pollMs: 5_000, retryDelayMs: 5_000, apiGraceMs: 30_000 };

/** Pairs the nodes with what was rendered for them; both must name the same members in the same order. */
function membersOf(input: BootstrapInput): Member[] {
  const byId = new Map(input.nodes.map((n) => [n.id, n]));
  const members = input.rendered.nodes.map((plan) => {
    const node = byId.get(plan.nodeId);
    if (!node) {
      throw new RackpilotError(ErrorCode.Validation, `Node ${plan.nodeName} of cluster ${input.spec.name} is not among the nodes to bootstrap: render the cluster again from its current members.`);
    }
    return { node, plan };
  });
  const extra = input.nodes.filter((n) => !input.rendered.nodes.some((p) => p.nodeId === n.id));
  if (extra.length > 0) {
    throw new RackpilotError(ErrorCode.Validation, `${extra.map((n) => n.name).join(', ')} ${extra.length === 1 ? 'is' : 'are'} not in the rendered cluster ${input.spec.name}: render it again from its current members.`);
  }
  const initNode = input.nodes.find((n) => n.init);
  if (!members[0]?.plan.init || (initNode && initNode.id !== members[0].node.id)) {
    throw new RackpilotError(ErrorCode.Validation, `Cluster ${input.spec.name}'s first control plane must be the node kubeadm init runs on: render the cluster again.`);
  }
  return members;
}

export async function runBootstrap(deps: BootstrapDeps, input: BootstrapInput, ctx: JobContext): Promise<BootstrapResult> {
  const members = membersOf(input);
  const init = members[0] as Member;
  const b: BootstrapRun = {
    deps,
    spec: input.spec,
    rendered: input.rendered,
    members,
    init,
    ctx,
    signal: ctx.signal,
    timing: { ...DEFAULT_TIMING, ...deps.timing },
    log: (line, stream) => ctx.log(redactKubeadmOutput(line), stream),
    learned: {},
  };
  b.log(`Bootstrapping cluster ${input.spec.name} (Kubernetes ${input.spec.kubernetesVersion}, ${input.rendered.cni.plugin}) on ${members.map((m) => `${m.node.name} (${m.plan.role}${m.plan.init ? ', init' : ''})`).join(', ')}`);

  const phases: PhaseReport[] = [];
  for (const [index, phase] of PHASES.entries()) {
    phases.push(await runPhase(b, phase, index, PHASES.length));
  }
  ctx.progress(1);
  const adminKubeconfig = b.learned.adminKubeconfig;
  if (!adminKubeconfig) throw new RackpilotError(BOOTSTRAP_FAILED, 'The bootstrap finished without fetching admin.conf: run it again.');
  const applied = phases.filter((p) => p.outcome === 'done').length;
  b.log(`Cluster ${input.spec.name} is ready at ${input.rendered.endpoint}: ${applied} phase(s) done, ${phases.length - applied} already in place`);
  return {
    adminKubeconfig,
    endpoint: input.rendered.endpoint,
    phases,
    kubernetesVersion: b.learned.kubeadmVersion ?? input.rendered.kubernetesVersion,
  };
}
