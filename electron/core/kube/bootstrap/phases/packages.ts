/**
 * Packages: kubelet, kubeadm and kubectl from the minor-pinned repository, then held so an
 * unattended upgrade cannot move one of them ahead of the cluster (kubeadm's install guide does
 * the same: https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/install-kubeadm/).
 */
import { RackpilotError } from '../../../../../shared/errors';
import { BOOTSTRAP_FAILED, lastLine, mustRun, outputOf, sh, tail } from '../node-shell';
import { done, pending, type Check, type Phase } from '../phase-runner';
import type { BootstrapRun, Member } from '../types';

export const KUBE_PACKAGES = ['kubelet', 'kubeadm', 'kubectl'] as const;
const LIST = KUBE_PACKAGES.join(' ');

function checkScript(minor: string): string {
  return `v=$(kubeadm version -o short 2>/dev/null) || v=''
case "$v" in
  v${minor}.*) ;;
  '') echo "kubeadm is not installed"; exit 1 ;;
  *) echo "kubeadm $v is installed, but the cluster runs v${minor}"; exit 1 ;;
esac
held=$(apt-mark showhold 2>/dev/null)
for p in ${LIST}; do
  printf '%s\\n' "$held" | grep -qx "$p" || { echo "$p is not held (apt-mark hold)"; exit 1; }
done
echo "kubeadm $v installed; ${KUBE_PACKAGES.join(', ')} held"`;
}

// The repository carries one minor only, so the newest package there is the cluster's version.
// Holds are lifted first: a node that held an older minor must be allowed to move.
const INSTALL = `set -e
apt-mark unhold ${LIST} >/dev/null 2>&1 || true
apt-get update -q
apt-get install -y -q ${LIST}
apt-mark hold ${LIST}`;

const INSTALLED_VERSION = /kubeadm (v\d+\.\d+\.\d+\S*) installed/;

async function check(b: BootstrapRun, m: Member): Promise<Check> {
  const r = await sh(b, m.node, checkScript(b.spec.kubernetesVersion));
  if (r.exitCode !== 0 && r.exitCode !== 1) {
    throw new RackpilotError(BOOTSTRAP_FAILED, `Could not check the Kubernetes packages on ${m.node.name}: ${tail(outputOf(r))}.`);
  }
  const line = lastLine(r);
  const version = INSTALLED_VERSION.exec(line)?.[1];
  if (r.exitCode === 0 && version && m.plan.init) b.learned.kubeadmVersion = version;
  return r.exitCode === 0 ? done(line) : pending(line);
}

export const packagesPhase: Phase = {
  name: 'Packages',
  parallel: true,
  units: (b) =>
    b.members.map((m) => ({
      where: m.node.name,
      check: () => check(b, m),
      async apply() {
        await mustRun(b, m.node, `Installing ${LIST}`, INSTALL, {
          stream: `${m.node.name}: `,
          timeoutMs: 20 * 60_000,
          fix: `Check that the node reaches pkgs.k8s.io and that apt is not locked by another run (\`sudo apt-get install ${LIST}\` shows why), then run the bootstrap again.`,
        });
      },
    })),
};
