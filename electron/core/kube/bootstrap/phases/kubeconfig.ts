/**
 * Kubeconfig: admin.conf is fetched from the init node (the job's result; the clusters service
 * rewrites its server and stores it), and installed for the SSH user on that node as kubeadm's
 * own instructions say ("mkdir -p $HOME/.kube; sudo cp -i /etc/kubernetes/admin.conf
 * $HOME/.kube/config"), so kubectl works there without sudo. A different config already there
 * is kept as a backup first.
 */
import { RackpilotError } from '../../../../../shared/errors';
import { ADMIN_CONF, BOOTSTRAP_FAILED, lastLine, mustRun, outputOf, sh, tail } from '../node-shell';
import { done, pending, type Check, type Phase } from '../phase-runner';
import type { BootstrapRun } from '../types';

// Under sudo, SUDO_USER is the SSH user; a root login has no sudo and is root itself.
const USER_HOME = `u=\${SUDO_USER:-root}
h=$(getent passwd "$u" | cut -d: -f6)
[ -n "$h" ] || { echo "the SSH user $u has no home folder"; exit 2; }`;

const CHECK = `${USER_HOME}
cmp -s ${ADMIN_CONF} "$h/.kube/config" || { echo "$h/.kube/config is not the cluster's admin kubeconfig yet"; exit 1; }
echo "admin.conf fetched; $h/.kube/config on the init node is the cluster's admin kubeconfig"`;

const INSTALL = `set -e
${USER_HOME}
g=$(id -gn "$u")
install -d -m 700 -o "$u" -g "$g" "$h/.kube"
if [ -f "$h/.kube/config" ]; then cp -p "$h/.kube/config" "$h/.kube/config.rackpilot-$(date +%Y%m%d%H%M%S).bak"; fi
install -m 600 -o "$u" -g "$g" ${ADMIN_CONF} "$h/.kube/config"`;

async function fetchAdminConf(b: BootstrapRun): Promise<string> {
  const node = b.init.node;
  let text: string;
  try {
    text = (await b.deps.remote.readFile(node, ADMIN_CONF, { signal: b.signal, maxBytes: 1024 * 1024 })).toString('utf8');
  } catch (err) {
    if (b.signal.aborted) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new RackpilotError(BOOTSTRAP_FAILED, `Could not fetch ${ADMIN_CONF} from ${node.name}: ${why}. Run the bootstrap again; if kubeadm init was undone meanwhile it runs again.`);
  }
  if (!/^\s*server:\s*https:\/\//m.test(text) || !/client-certificate-data|client-key-data|token:/.test(text)) {
    throw new RackpilotError(BOOTSTRAP_FAILED, `${ADMIN_CONF} on ${node.name} is not a kubeconfig with a server and credentials: remove it, then run the bootstrap again (kubeadm init writes it anew).`);
  }
  b.learned.adminKubeconfig = text;
  return text;
}

async function check(b: BootstrapRun): Promise<Check> {
  await fetchAdminConf(b);
  const r = await sh(b, b.init.node, CHECK);
  if (r.exitCode === 0) return done(lastLine(r));
  if (r.exitCode === 1) return pending(lastLine(r));
  throw new RackpilotError(BOOTSTRAP_FAILED, `Cannot install the kubeconfig on ${b.init.node.name}: ${tail(outputOf(r))}.`);
}

export const kubeconfigPhase: Phase = {
  name: 'Kubeconfig',
  units: (b) => [
    {
      where: '',
      check: () => check(b),
      async apply() {
        await mustRun(b, b.init.node, "Installing admin.conf as the SSH user's ~/.kube/config", INSTALL);
      },
    },
  ],
};
