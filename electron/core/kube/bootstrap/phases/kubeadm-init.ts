/**
 * kubeadm init on the first control plane, with --upload-certs so control planes can join with
 * a certificate key. Done when admin.conf exists, the API server answers /readyz with ok, and
 * what init's last phases create is there (an init can die after the API server came up).
 * What a killed or failed init leaves behind is reset before the next attempt — but never on a
 * node whose cluster was finished (it has the marker): that is a cluster with a problem, not a
 * half-done bootstrap, and resetting it would throw its state away.
 */
import { RackpilotError } from '../../../../../shared/errors';
import { apiServerReady, kubectlJson } from '../kubectl';
import { kubeadmReset, runKubeadmStep } from '../kubeadm-retry';
import { ADMIN_CONF, BOOTSTRAP_FAILED, pause, sh } from '../node-shell';
import { done, pending, type Check, type Phase } from '../phase-runner';
import type { BootstrapRun } from '../types';
import { refuseOtherCluster } from './marker';
import { INIT_CONFIG_PATH, uploadInitConfig } from './validate-config';

const READY = 'admin.conf exists and the API server is ready';

interface InitState {
  state: 'complete' | 'incomplete' | 'down';
  detail: string;
}

/**
 * Objects only the last phases of a successful init create (upload-config, bootstrap-token,
 * addon): an init that died after the API server came up has admin.conf and a ready API server,
 * but nodes cannot join it (no cluster-info) and it has no DNS.
 */
const INIT_FINISHED: { args: string; missing: string }[] = [
  { args: '-n kube-system get configmap kubeadm-config', missing: 'its ClusterConfiguration (kube-system/kubeadm-config) was never uploaded' },
  { args: '-n kube-public get configmap cluster-info', missing: 'kube-public/cluster-info, by which joining nodes find the cluster, is missing' },
  { args: '-n kube-system get deployment coredns', missing: 'the CoreDNS add-on was never installed' },
];

async function initState(b: BootstrapRun): Promise<InitState> {
  const api = await apiServerReady(b);
  if (!api.ready) return { state: 'down', detail: `no running control plane (${api.detail})` };
  for (const { args, missing } of INIT_FINISHED) {
    if (!(await kubectlJson<unknown>(b, args)).ok) return { state: 'incomplete', detail: `the API server is up but kubeadm init did not finish: ${missing}` };
  }
  return { state: 'complete', detail: READY };
}

async function check(b: BootstrapRun): Promise<Check> {
  await refuseOtherCluster(b, b.init);
  const s = await initState(b);
  return s.state === 'complete' ? done(s.detail) : pending(s.detail);
}

/** What an earlier init left: its files, or the API server's ones. */
async function leftovers(b: BootstrapRun): Promise<string | null> {
  const r = await sh(
    b,
    b.init.node,
    `found=''
for f in ${ADMIN_CONF} /etc/kubernetes/kubelet.conf /etc/kubernetes/pki/ca.crt /var/lib/etcd/member; do [ -e "$f" ] && found="$found $f"; done
[ -n "$(ls -A /etc/kubernetes/manifests 2>/dev/null)" ] && found="$found /etc/kubernetes/manifests/*"
echo "$found"`,
  );
  const found = r.stdout.trim();
  return found ? found.split(/\s+/).join(', ') : null;
}

/** An API server that is still starting (kubelet restarted, a reboot) gets a moment before it counts as broken. */
async function waitForApiServer(b: BootstrapRun): Promise<InitState> {
  const deadline = Date.now() + b.timing.apiGraceMs;
  for (;;) {
    const s = await initState(b);
    // Up but unfinished does not get better by waiting.
    if (s.state !== 'down' || Date.now() >= deadline) return s;
    await pause(Math.min(b.timing.pollMs, Math.max(0, deadline - Date.now())), b.signal);
  }
}

async function apply(b: BootstrapRun): Promise<Check | void> {
  const node = b.init.node;
  const found = await leftovers(b);
  if (found) {
    let why = 'there is no running control plane';
    if (found.includes(ADMIN_CONF)) {
      b.log(`${node.name} has ${ADMIN_CONF} but no finished control plane: giving its API server ${Math.round(b.timing.apiGraceMs / 1000)} s to come up`);
      const s = await waitForApiServer(b);
      if (s.state === 'complete') return done(`${READY} (it was still starting)`);
      why = s.detail;
    }
    const marker = await refuseOtherCluster(b, b.init);
    if (marker) {
      throw new RackpilotError(
        BOOTSTRAP_FAILED,
        `Cluster ${b.spec.name} on ${node.name} was fully built before (${marker.at}), but now ${why}: Rackpilot will not reset a finished cluster. Look at \`sudo journalctl -u kubelet\` and \`sudo crictl ps -a\` on ${node.name}; to start over, tear the cluster down and bootstrap it again.`,
      );
    }
    await kubeadmReset(b, node, `an unfinished kubeadm init left ${found} (${why})`);
  }
  await runKubeadmStep(b, {
    step: 'init',
    what: 'kubeadm init',
    node,
    async attempt() {
      // Written again each time: a reset may have cleared /etc/kubernetes on some setups.
      await uploadInitConfig(b);
      return sh(b, node, `kubeadm init --config ${INIT_CONFIG_PATH} --upload-certs`, { stream: `${node.name}: `, timeoutMs: 20 * 60_000 });
    },
    cleanup: () => kubeadmReset(b, node, 'cleaning up the failed attempt'),
  });
}

export const kubeadmInitPhase: Phase = {
  name: 'kubeadm init',
  units: (b) => [{ where: '', check: () => check(b), apply: () => apply(b) }],
};
