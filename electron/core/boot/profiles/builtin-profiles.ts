/**
 * The profiles Rackpilot ships (read-only; clone one to change it). Each one ends with the node
 * phoning home, because phone-home is what clears the netboot flag: a profile that never phones
 * home would reinstall its node on every boot.
 *
 * Installers (Ubuntu autoinstall, Debian preseed) phone home from their last step, *before* the
 * reboot — otherwise the reboot would PXE-boot straight back into the installer. They post the
 * installed system's host keys, and the installed system's cloud-config keeps those keys
 * (`ssh_deletekeys: false`) and phones home again on its first boot, confirming it is up.
 *
 * Install-to-disk is the same pattern with the practice rack's live image as the installer: the
 * live system copies itself to the disk and phones home (rackpilot-install-to-disk), and the
 * disk's cloud-init phones home again on its first boot.
 */
import type { Profile, ProfileSpec } from '../../../../shared/domain/profile';
import { DEBIAN_PRESEED } from './debian-preseed';
import { installerPhoneHome } from './installer-phone-home';

/** The hostname and admin account every system Rackpilot boots gets (cloud-config). */
const HOSTNAME_AND_ADMIN = `hostname: "{{node.name}}"
manage_etc_hosts: true
ssh_pwauth: false
users:
  - name: "{{node.sshUser}}"
    gecos: Rackpilot admin
    shell: /bin/bash
    groups: [adm, sudo]
    sudo: "ALL=(ALL) NOPASSWD:ALL"
    lock_passwd: true
    ssh_authorized_keys: "{{adminKeys}}"
`;

const PHONE_HOME = `phone_home:
  url: "{{phoneHomeUrl}}"
  post: all
  tries: 10
`;

/** An installed system: hostname, admin account, the installer's host keys kept, phone-home. */
const INSTALLED_SYSTEM = `${HOSTNAME_AND_ADMIN}# The installer already reported these host keys; regenerating them would break the pin.
ssh_deletekeys: false
${PHONE_HOME}`;

/** A live system: its host keys are created at boot, so cloud-init's default (fresh keys per instance) stays. */
const LIVE_SYSTEM = `${HOSTNAME_AND_ADMIN}${PHONE_HOME}`;

/**
 * The live system as an installer. No phone_home here: a phone-home means "installed" (it clears
 * the netboot flag), so rackpilot-install-to-disk sends it itself once the disk can boot, with
 * the host keys the disk now carries. cloud-init's power_state runs after runcmd; its condition
 * is the installer's success marker, so a failed install does not reboot (into another network
 * boot and another try) but stays up in the live system, where the console shows what failed
 * and Rackpilot's install timeout reports it.
 */
const INSTALL_TO_DISK_USER_DATA = `${HOSTNAME_AND_ADMIN}runcmd:
  - [/usr/local/sbin/rackpilot-install-to-disk, --phone-home, "{{phoneHomeUrl}}", --instance-id, "{{instanceId}}", --hostname, "{{node.name}}"]
power_state:
  mode: reboot
  message: "Rackpilot: installed to disk, rebooting into it"
  condition: test -e /run/rackpilot-installed
`;

const indent = (text: string, spaces: number) => text.replace(/^(?=.)/gm, ' '.repeat(spaces));

const UBUNTU_USER_DATA = `# Read by the Ubuntu live installer: only "autoinstall" here. The installed system's own
# cloud-config is autoinstall.user-data (a top-level phone_home would report the installer's keys).
autoinstall:
  version: 1
  locale: en_US.UTF-8
  keyboard:
    layout: us
  timezone: Etc/UTC
  ssh:
    install-server: true
    allow-pw: false
  storage:
    layout:
      name: direct
  packages:
    - curl
  late-commands:
    - "${installerPhoneHome('curtin in-target --target=/target --')}"
  user-data:
${indent(INSTALLED_SYSTEM, 4)}  shutdown: reboot
`;

const DEBIAN_USER_DATA = `# Applied by cloud-init on the installed system's first boot (the preseed installs cloud-init
# and points it at this seed).
${INSTALLED_SYSTEM}`;

/** The practice rack's live image (scripts/build-lab-image.sh), booted into RAM over HTTP. */
const LIVE_IMAGE_BOOT: Pick<ProfileSpec, 'assets' | 'cmdline'> = {
  assets: { kernel: 'live-vmlinuz', initrd: 'live-initrd', squashfs: 'live-squashfs' },
  cmdline: 'boot=live fetch={{assets.squashfs}} ip=dhcp ds=nocloud-net;s={{seedUrl}} console=ttyS0,115200n8 console=tty0',
};

const BUILT_IN_SPECS: Record<string, ProfileSpec> = {
  'ubuntu-24.04-autoinstall': {
    name: 'Ubuntu Server 24.04 (autoinstall)',
    description:
      'Wipes the first disk and installs Ubuntu Server 24.04 LTS with subiquity autoinstall: netboot kernel and initrd, the live server ISO fetched into RAM (needs ≥ 4 GiB RAM), OpenSSH, the Rackpilot admin user with passwordless sudo.',
    kind: 'ubuntu-autoinstall',
    assets: { kernel: 'ubuntu-24.04-netboot-linux', initrd: 'ubuntu-24.04-netboot-initrd', iso: 'ubuntu-24.04-live-server-iso' },
    // cloud-config-url=/dev/null: cloud-init would otherwise take url= (the ISO) for its config.
    cmdline: 'ip=dhcp url={{assets.iso}} autoinstall ds=nocloud-net;s={{seedUrl}} cloud-config-url=/dev/null console=ttyS0,115200n8 console=tty0',
    userData: UBUNTU_USER_DATA,
  },
  'debian-12-preseed': {
    name: 'Debian 12 (netinst, preseed)',
    description:
      'Wipes the first disk and installs Debian 12 "bookworm" with the netboot installer and a generated preseed; packages come from deb.debian.org. cloud-init on the installed system creates the Rackpilot admin user on first boot.',
    kind: 'debian-preseed',
    assets: { kernel: 'debian-12-netboot-linux', initrd: 'debian-12-netboot-initrd' },
    cmdline: 'auto=true priority=critical url={{preseedUrl}} interface=auto hostname={{node.name}} domain= console=ttyS0,115200n8 console=tty0',
    userData: DEBIAN_USER_DATA,
    preseed: DEBIAN_PRESEED,
  },
  'live-image': {
    name: 'Live image (practice rack)',
    description:
      'Boots a live Debian image (kernel, initrd, squashfs built by the practice rack image builder) into RAM; nothing is written to disk. cloud-init creates the admin user and phones home.',
    kind: 'cloud-init',
    ...LIVE_IMAGE_BOOT,
    userData: LIVE_SYSTEM,
  },
  'install-to-disk': {
    name: 'Install to disk (practice rack image)',
    description:
      'Wipes the first disk and installs the practice rack\'s live Debian image on it: boots the live image, which copies itself to the disk (GPT with GRUB for both BIOS and UEFI), configures cloud-init there, phones home and reboots; the node then boots from its disk. Needs a disk of at least 2 GiB.',
    kind: 'cloud-init',
    ...LIVE_IMAGE_BOOT,
    userData: INSTALL_TO_DISK_USER_DATA,
  },
};

const SHIPPED = '2026-01-01T00:00:00.000Z';

export const BUILT_IN_PROFILES: readonly Profile[] = Object.entries(BUILT_IN_SPECS).map(([id, spec]) => ({
  id,
  ...spec,
  builtIn: true,
  createdAt: SHIPPED,
  updatedAt: SHIPPED,
}));

export function builtInProfile(id: string): Profile | undefined {
  return BUILT_IN_PROFILES.find((p) => p.id === id);
}
