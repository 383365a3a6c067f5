/**
 * The assets the built-in profiles boot. URLs are the publishers' own. No SHA-256 is pinned in
 * this build: we could not fetch the published sums while writing it, and an invented hash is
 * worse than none. Instead each downloadable entry names the publisher's SHA256SUMS file and
 * the file's name in it; the download job looks the hash up there (over HTTPS, from the same
 * publisher) and refuses a file that does not match. Release engineering: pin `sha256` from
 * those SHA256SUMS files at release time, so a compromised mirror cannot serve both.
 */
import type { AssetEntry } from '../../../../shared/domain/asset';

const UBUNTU = 'https://releases.ubuntu.com/noble';
const DEBIAN = 'https://deb.debian.org/debian/dists/bookworm/main/installer-amd64/current/images';

export const BUILT_IN_ASSETS: readonly AssetEntry[] = [
  {
    id: 'ubuntu-24.04-netboot-linux',
    name: 'Ubuntu 24.04 netboot kernel (amd64)',
    role: 'kernel',
    fileName: 'linux',
    url: `${UBUNTU}/netboot/amd64/linux`,
    sha256: null,
    sums: { url: `${UBUNTU}/SHA256SUMS`, name: 'netboot/amd64/linux' },
    note:
      'Must come from the same point release as the live server ISO (the initrd loads modules from it). releases.ubuntu.com keeps only the latest point release: if the lookup fails, update the ISO entry too. Whether SHA256SUMS lists the netboot files is not confirmed; if it does not, pin the hash at release time or download with explicit consent.',
  },
  {
    id: 'ubuntu-24.04-netboot-initrd',
    name: 'Ubuntu 24.04 netboot initrd (amd64)',
    role: 'initrd',
    fileName: 'initrd',
    url: `${UBUNTU}/netboot/amd64/initrd`,
    sha256: null,
    sums: { url: `${UBUNTU}/SHA256SUMS`, name: 'netboot/amd64/initrd' },
    note: 'See the kernel entry: same point release as the ISO.',
  },
  {
    id: 'ubuntu-24.04-live-server-iso',
    name: 'Ubuntu Server 24.04.3 live ISO (amd64)',
    role: 'iso',
    fileName: 'ubuntu-24.04.3-live-server-amd64.iso',
    url: `${UBUNTU}/ubuntu-24.04.3-live-server-amd64.iso`,
    sha256: null,
    sums: { url: `${UBUNTU}/SHA256SUMS`, name: 'ubuntu-24.04.3-live-server-amd64.iso' },
    size: 3_300_000_000,
    note: 'About 3.1 GiB; each installing node loads it into RAM, so nodes need at least 4 GiB.',
  },
  {
    id: 'debian-12-netboot-linux',
    name: 'Debian 12 installer kernel (netboot, amd64)',
    role: 'kernel',
    fileName: 'linux',
    url: `${DEBIAN}/netboot/debian-installer/amd64/linux`,
    sha256: null,
    sums: { url: `${DEBIAN}/SHA256SUMS`, name: './netboot/debian-installer/amd64/linux' },
    note: 'The kernel and initrd must come from the same installer build ("current" moves with point releases).',
  },
  {
    id: 'debian-12-netboot-initrd',
    name: 'Debian 12 installer initrd (netboot, amd64)',
    role: 'initrd',
    fileName: 'initrd.gz',
    url: `${DEBIAN}/netboot/debian-installer/amd64/initrd.gz`,
    sha256: null,
    sums: { url: `${DEBIAN}/SHA256SUMS`, name: './netboot/debian-installer/amd64/initrd.gz' },
  },
  {
    id: 'live-vmlinuz',
    name: 'Practice rack live kernel',
    role: 'kernel',
    fileName: 'vmlinuz',
    url: null,
    sha256: null,
    note: 'Built on this machine by the practice rack image builder (debootstrap + live-boot + cloud-init), then imported.',
  },
  {
    id: 'live-initrd',
    name: 'Practice rack live initrd',
    role: 'initrd',
    fileName: 'initrd.img',
    url: null,
    sha256: null,
    note: 'Built with the live kernel; import both from the same build.',
  },
  {
    id: 'live-squashfs',
    name: 'Practice rack live root filesystem',
    role: 'squashfs',
    fileName: 'filesystem.squashfs',
    url: null,
    sha256: null,
    size: 370_000_000,
    note: 'About 370 MB (zstd squashfs); fetched by live-boot at each boot (fetch=).',
  },
];
