/**
 * Kubernetes repository: pkgs.k8s.io pinned to the cluster's minor version, as the kubeadm
 * install guide sets it up (https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/install-kubeadm/),
 * but in deb822 form with the ASCII-armored key kept as .asc — apt reads armored keys named
 * *.asc in Signed-By directly, so the node needs no gpg to de-armor it.
 */
import { createHash } from 'node:crypto';
import { RackpilotError } from '../../../../../shared/errors';
import { BOOTSTRAP_FAILED, lastLine, mustRun, sameContentTest, sh, tail, outputOf } from '../node-shell';
import { done, pending, type Phase } from '../phase-runner';
import type { BootstrapRun, Member } from '../types';

export const KEYRING_PATH = '/etc/apt/keyrings/kubernetes-apt-keyring.asc';
export const SOURCES_PATH = '/etc/apt/sources.list.d/kubernetes.sources';
/** The one-line file the upstream guide writes; two entries for one URI with different keys break apt. */
const LEGACY_LIST = '/etc/apt/sources.list.d/kubernetes.list';
const ARMOR_HEADER = '-----BEGIN PGP PUBLIC KEY BLOCK-----';

export const repositoryUrl = (minor: string): string => `https://pkgs.k8s.io/core:/stable:/v${minor}/deb/`;

export function renderSources(minor: string): string {
  return [
    `# Kubernetes v${minor} packages from pkgs.k8s.io, pinned to the cluster's minor version by Rackpilot.`,
    'Types: deb',
    `URIs: ${repositoryUrl(minor)}`,
    // A flat repository: the suite is a path ending in "/" and there are no components.
    'Suites: /',
    `Signed-By: ${KEYRING_PATH}`,
    '',
  ].join('\n');
}

function checkScript(minor: string): string {
  const sha = createHash('sha256').update(renderSources(minor)).digest('hex');
  return `command -v apt-get >/dev/null || { echo "apt-get is missing: Rackpilot installs Kubernetes on Debian and Ubuntu only"; exit 2; }
head -n 1 ${KEYRING_PATH} 2>/dev/null | grep -q -- '${ARMOR_HEADER}' || { echo "the pkgs.k8s.io signing key ${KEYRING_PATH} is missing"; exit 1; }
${sameContentTest(SOURCES_PATH, sha)} || { echo "${SOURCES_PATH} does not name the v${minor} repository yet"; exit 1; }
if [ -f ${LEGACY_LIST} ] && grep -q 'pkgs.k8s.io' ${LEGACY_LIST}; then echo "${LEGACY_LIST} also names pkgs.k8s.io"; exit 1; fi
echo "pkgs.k8s.io v${minor} repository and its signing key are in place"`;
}

function applyScript(minor: string): string {
  const tmp = `${KEYRING_PATH}.rackpilot-tmp`;
  return `set -e
install -d -m 755 /etc/apt/keyrings
curl -fsSL '${repositoryUrl(minor)}Release.key' -o ${tmp}
head -n 1 ${tmp} | grep -q -- '${ARMOR_HEADER}' || { rm -f ${tmp}; echo "pkgs.k8s.io answered with something that is not an armored PGP key" >&2; exit 1; }
chmod 644 ${tmp}
mv -f ${tmp} ${KEYRING_PATH}
if [ -f ${LEGACY_LIST} ] && grep -q 'pkgs.k8s.io' ${LEGACY_LIST}; then
  mv -f ${LEGACY_LIST} ${LEGACY_LIST}.rackpilot-disabled
  echo "moved ${LEGACY_LIST} aside (${LEGACY_LIST}.rackpilot-disabled): ${SOURCES_PATH} replaces it"
fi`;
}

async function check(b: BootstrapRun, m: Member) {
  const r = await sh(b, m.node, checkScript(b.spec.kubernetesVersion));
  if (r.exitCode === 0) return done(lastLine(r));
  if (r.exitCode === 1) return pending(lastLine(r));
  throw new RackpilotError(BOOTSTRAP_FAILED, `Cannot set up the Kubernetes repository on ${m.node.name}: ${tail(outputOf(r))}.`);
}

export const repositoryPhase: Phase = {
  name: 'Kubernetes repository',
  parallel: true,
  units: (b) =>
    b.members.map((m) => ({
      where: m.node.name,
      check: () => check(b, m),
      async apply() {
        const minor = b.spec.kubernetesVersion;
        await mustRun(b, m.node, `Fetching the pkgs.k8s.io signing key for v${minor}`, applyScript(minor), {
          stream: `${m.node.name}: `,
          fix: 'The node must reach https://pkgs.k8s.io over HTTPS: check its DNS, default route and proxy, then run the bootstrap again.',
        });
        await b.deps.remote.writeFile(m.node, SOURCES_PATH, renderSources(minor), { mode: '644', signal: b.signal });
      },
    })),
};
