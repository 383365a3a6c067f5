/**
 * containerd: the config rendered from the cluster spec (its SystemdCgroup agrees with kubelet's
 * cgroupDriver by construction), containerd restarted on it, and kubelet enabled — kubeadm starts
 * it with its config later; until then the real kubelet restarts in a loop, which is expected.
 */
import { createHash } from 'node:crypto';
import { backupOnce } from '../../../recipes/shell';
import { CONTAINERD_CONFIG_PATH } from '../../render/containerd';
import { lastLine, mustRun, sameContentTest, sh } from '../node-shell';
import { done, pending, type Phase } from '../phase-runner';
import type { BootstrapRun, Member } from '../types';

function checkScript(b: BootstrapRun, m: Member): string {
  const sha = createHash('sha256').update(m.plan.containerdConfig).digest('hex');
  return `${sameContentTest(CONTAINERD_CONFIG_PATH, sha)} || { echo "${CONTAINERD_CONFIG_PATH} is not the config rendered for the cluster"; exit 1; }
systemctl is-active -q containerd || { echo "containerd is not running"; exit 1; }
systemctl is-enabled -q kubelet 2>/dev/null || { echo "kubelet is not enabled"; exit 1; }
echo "containerd runs the rendered config (${b.spec.runtime.cgroupDriver} cgroup driver, as kubelet); kubelet is enabled"`;
}

const RESTART = `set -e
systemctl restart containerd
systemctl enable --now kubelet`;

export const containerdPhase: Phase = {
  name: 'containerd',
  parallel: true,
  units: (b) =>
    b.members.map((m) => ({
      where: m.node.name,
      async check() {
        const r = await sh(b, m.node, checkScript(b, m));
        return r.exitCode === 0 ? done(lastLine(r)) : pending(lastLine(r) || `containerd's state could not be read (exit ${r.exitCode})`);
      },
      async apply() {
        // The first config Rackpilot replaces is kept (as the prerequisites recipe does), so a hand-made one is never lost.
        await mustRun(b, m.node, 'Keeping the original containerd config', backupOnce(CONTAINERD_CONFIG_PATH));
        await b.deps.remote.writeFile(m.node, CONTAINERD_CONFIG_PATH, m.plan.containerdConfig, { mode: '644', signal: b.signal });
        await mustRun(b, m.node, 'Restarting containerd and enabling kubelet', RESTART, {
          stream: `${m.node.name}: `,
          fix: '`sudo systemctl status containerd` and `sudo journalctl -u containerd -n 50` on the node say why; fix it, then run the bootstrap again.',
        });
      },
    })),
};
