/**
 * The stand-in apt's view of a node: which Kubernetes repository /etc/apt/sources.list.d names
 * (https://pkgs.k8s.io/core:/stable:/v1.XX/deb/ with a Signed-By key file that exists), what the
 * last `apt-get update` fetched (its list files in /var/lib/apt/lists), and the packages that exist. Kube
 * packages come only from that repository; the rest of Debian's are the host's real dpkg state.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const KUBE_PACKAGES = ['kubeadm', 'kubelet', 'kubectl', 'kubernetes-cni', 'cri-tools'];
/** What `kubeadm`, `kubelet`, `kubectl` depend on in the real repository. */
export const KUBE_DEPENDS = { kubeadm: ['cri-tools', 'kubernetes-cni'], kubelet: ['kubernetes-cni'], kubectl: [] };
/** Debian packages a fresh node can install (beyond what the host has installed). */
const DEBIAN_AVAILABLE = ['apt-transport-https', 'ca-certificates', 'curl', 'gpg', 'gnupg', 'socat', 'conntrack', 'ebtables', 'ethtool', 'containerd', 'jq', 'ipset', 'ipvsadm', 'unattended-upgrades', 'tzdata', 'sudo', 'htop'];
const SOURCES_DIR = '/etc/apt/sources.list.d';
const LISTS_DIR = '/var/lib/apt/lists';
const LIST_FILE = /^pkgs\.k8s\.io_core:_stable:_v(1\.\d+)_deb_Packages$/;
const REPO = /^https:\/\/pkgs\.k8s\.io\/core:\/stable:\/v(1\.\d+)\/deb\/?$/;

export const kubeVersion = (minor) => `${minor}.1-1.1`;

/** Kubernetes repositories named in sources.list.d: [{ file, uri, minor, signedBy }]. */
export function kubeSources() {
  let files;
  try {
    files = readdirSync(SOURCES_DIR).filter((f) => f.endsWith('.list') || f.endsWith('.sources'));
  } catch {
    return [];
  }
  const found = [];
  for (const f of files) {
    const path = join(SOURCES_DIR, f);
    const text = readFileSync(path, 'utf8');
    if (f.endsWith('.list')) {
      for (const line of text.split('\n')) {
        const m = /^\s*deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)/.exec(line);
        if (!m) continue;
        const signedBy = /(?:^|\s)signed-by=(\S+)/.exec(m[1] ?? '')?.[1] ?? null;
        const minor = REPO.exec(m[2])?.[1];
        if (minor) found.push({ file: path, uri: m[2], minor, signedBy });
      }
    } else {
      // deb822 stanzas separated by blank lines.
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (name) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1].trim() ?? null;
        if (field('Enabled') === 'no' || !(field('Types') ?? '').split(/\s+/).includes('deb')) continue;
        for (const uri of (field('URIs') ?? '').split(/\s+/)) {
          const minor = REPO.exec(uri)?.[1];
          if (minor) found.push({ file: path, uri, minor, signedBy: field('Signed-By') });
        }
      }
    }
  }
  return found;
}

export function keyUsable(file) {
  try {
    return !!file && statSync(file).isFile() && statSync(file).size > 0;
  } catch {
    return false;
  }
}

/** { kubernetes: '1.34' | null }: the Kubernetes repository whose package list the last update fetched. */
export function lists() {
  let files;
  try {
    files = readdirSync(LISTS_DIR);
  } catch {
    return { kubernetes: null };
  }
  const minor = files.map((f) => LIST_FILE.exec(f)?.[1]).find(Boolean);
  return { kubernetes: minor ?? null };
}

/**
 * What `apt-get update` leaves: the repository's InRelease and Packages files in
 * /var/lib/apt/lists (the recipes judge freshness by their mtime), stale ones removed.
 */
export function saveLists({ kubernetes }) {
  mkdirSync(LISTS_DIR, { recursive: true });
  for (const f of readdirSync(LISTS_DIR)) if (f.startsWith('pkgs.k8s.io_')) rmSync(join(LISTS_DIR, f), { force: true });
  if (!kubernetes) return;
  const base = join(LISTS_DIR, `pkgs.k8s.io_core:_stable:_v${kubernetes}_deb_`);
  const version = kubeVersion(kubernetes);
  const stanzas = KUBE_PACKAGES.map((p) => [`Package: ${p}`, `Version: ${version}`, 'Architecture: amd64', 'Maintainer: Kubernetes Authors <dev@kubernetes.io>', `Depends: ${(KUBE_DEPENDS[p] ?? []).join(', ')}`, `Filename: amd64/${p}_${version}_amd64.deb`, ''].join('\n'));
  writeFileSync(`${base}Packages`, stanzas.join('\n'));
  writeFileSync(`${base}InRelease`, `Origin: obs://build.opensuse.org/isv:kubernetes:core:stable:v${kubernetes}/deb\nLabel: deb\nDate: ${new Date().toUTCString()}\n`);
}

/** The host's real installed version of a Debian package, or null. */
export function hostVersion(pkg) {
  // The real dpkg-query (the node's PATH has the stand-in, which asks this module).
  const r = spawnSync('/usr/bin/dpkg-query', ['-W', '-f', '${db:Status-Abbrev}${Version}', pkg], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.startsWith('ii')) return null;
  return r.stdout.slice(3).trim();
}

export function debianAvailable(pkg) {
  return DEBIAN_AVAILABLE.includes(pkg) || hostVersion(pkg) !== null;
}

/** dpkg's description line of each kube package. */
export const KUBE_DESCRIPTIONS = {
  kubeadm: 'Command-line utility for administering a Kubernetes cluster',
  kubelet: 'Node agent for Kubernetes clusters',
  kubectl: 'Command-line utility for interacting with a Kubernetes cluster',
  'kubernetes-cni': 'Binaries required to provision kubernetes container networking',
  'cri-tools': 'Command-line utility for interacting with a container runtime',
};
