/**
 * Pod network: the CNI manifest rendered from the same spec as kubeadm's podSubnet, applied on
 * the init node. Done when the CNI's own object carries that network: flannel's net-conf.json
 * "Network" in the kube-flannel-cfg ConfigMap (with its DaemonSet present), or calico's
 * Installation ipPools. A CNI applied with another network is applied again, not skipped.
 */
import { diagnose } from '../../diagnose/diagnose';
import { retryPolicy } from '../../diagnose/retry-policy';
import { FLANNEL_NAMESPACE } from '../../render/flannel-manifest';
import { kubectlJson, KUBECTL_ON_NODE } from '../kubectl';
import { bootstrapFailure, MAX_RETRIES } from '../kubeadm-retry';
import { exitText, outputOf, pause, RACKPILOT_DIR, sh, tail } from '../node-shell';
import { done, pending, type Check, type Phase } from '../phase-runner';
import type { BootstrapRun } from '../types';

export const CNI_MANIFEST_PATH = `${RACKPILOT_DIR}/cni.yaml`;

interface ConfigMap {
  data?: Record<string, string>;
}
interface Installation {
  spec?: { calicoNetwork?: { ipPools?: { cidr?: string }[] } };
}

async function flannelNetwork(b: BootstrapRun): Promise<Check> {
  const ds = await kubectlJson<unknown>(b, `-n ${FLANNEL_NAMESPACE} get daemonset kube-flannel-ds`);
  if (!ds.ok) return pending(`flannel's DaemonSet is not there yet (${tail(ds.output, 1)})`);
  const cm = await kubectlJson<ConfigMap>(b, `-n ${FLANNEL_NAMESPACE} get configmap kube-flannel-cfg`);
  if (!cm.ok) return pending(`flannel's ConfigMap kube-flannel-cfg is not there yet (${tail(cm.output, 1)})`);
  let network: unknown;
  try {
    network = (JSON.parse(cm.value.data?.['net-conf.json'] ?? '{}') as { Network?: unknown }).Network;
  } catch {
    return pending("flannel's net-conf.json is not valid JSON");
  }
  if (network !== b.spec.podCidr) return pending(`flannel is configured for ${String(network ?? 'no network')}, not the cluster's pod network ${b.spec.podCidr}`);
  return done(`flannel's DaemonSet is there with the pod network ${b.spec.podCidr}`);
}

async function calicoNetwork(b: BootstrapRun): Promise<Check> {
  const inst = await kubectlJson<Installation>(b, 'get installations.operator.tigera.io default');
  if (!inst.ok) return pending(`calico's Installation is not there yet (${tail(inst.output, 1)})`);
  const cidrs = (inst.value.spec?.calicoNetwork?.ipPools ?? []).map((p) => p.cidr);
  if (!cidrs.includes(b.spec.podCidr)) return pending(`calico's IP pools are ${cidrs.join(', ') || 'empty'}, not the cluster's pod network ${b.spec.podCidr}`);
  return done(`calico's Installation is there with the pod network ${b.spec.podCidr}`);
}

const check = (b: BootstrapRun) => (b.rendered.cni.plugin === 'calico' ? calicoNetwork(b) : flannelNetwork(b));

function applyScript(b: BootstrapRun): string {
  // The operator's CRDs are too large for client-side apply's annotation: server-side, as the
  // calico docs do for upgrades, so running it again is harmless.
  const prerequisites = b.rendered.cni.prerequisiteUrls.map((url) => `${KUBECTL_ON_NODE} apply --server-side --force-conflicts -f '${url}'`);
  return ['set -e', ...prerequisites, `${KUBECTL_ON_NODE} apply -f ${CNI_MANIFEST_PATH}`].join('\n');
}

/**
 * flanneld reads net-conf.json only when it starts: pods already running keep the network they
 * started with, so after a changed config they are deleted and their DaemonSet starts new ones.
 */
async function restartFlannel(b: BootstrapRun): Promise<void> {
  b.log(`flannel was running with another network: restarting its pods so they read the new one`);
  await sh(b, b.init.node, `${KUBECTL_ON_NODE} -n ${FLANNEL_NAMESPACE} delete pod -l app=flannel --wait=false 2>&1 || true`, { stream: `${b.init.node.name}: `, timeoutMs: 90_000 });
}

async function apply(b: BootstrapRun): Promise<void> {
  const node = b.init.node;
  const flannelWasThere = b.rendered.cni.plugin === 'flannel' && (await kubectlJson<unknown>(b, `-n ${FLANNEL_NAMESPACE} get daemonset kube-flannel-ds`)).ok;
  await b.deps.remote.writeFile(node, CNI_MANIFEST_PATH, b.rendered.cni.manifest, { mode: '644', signal: b.signal });
  for (let n = 0; ; n++) {
    const r = await sh(b, node, applyScript(b), { stream: `${node.name}: `, timeoutMs: 10 * 60_000 });
    if (r.exitCode === 0) {
      if (flannelWasThere) await restartFlannel(b);
      return;
    }
    const output = outputOf(r);
    const decision = retryPolicy('cni', r.exitCode, output);
    if (decision.action === 'retry' && n < MAX_RETRIES) {
      b.log(`↻ Applying the ${b.rendered.cni.plugin} manifest failed (${exitText(r)}). ${decision.reason}`, 'error');
      await pause(b.timing.retryDelayMs, b.signal);
      continue;
    }
    const diagnoses = diagnose({ step: 'cni', exitCode: r.exitCode, output });
    throw bootstrapFailure(
      `Applying the ${b.rendered.cni.plugin} manifest on ${node.name} failed (${exitText(r)}): ${diagnoses[0]?.title ?? tail(output)}. kubectl's output is in the job log; fix the cause, then run the bootstrap again.`,
      diagnoses,
    );
  }
}

export const podNetworkPhase: Phase = {
  name: 'Pod network',
  units: (b) => [{ where: '', check: () => check(b), apply: () => apply(b) }],
};
