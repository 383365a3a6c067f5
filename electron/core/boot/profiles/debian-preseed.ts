/**
 * The Debian 12 preseed template. The installer fetches it from the node's seed folder
 * (`url=` on the kernel command line), wipes the first disk, installs OpenSSH, sudo, curl and
 * cloud-init, points cloud-init at the node's NoCloud seed, and phones home with the installed
 * system's host keys before rebooting (which clears netboot, so the reboot boots the disk).
 * No accounts are created here: cloud-init creates the admin user on first boot.
 */
import { installerPhoneHome } from './installer-phone-home';

// 99-: sorts after the cloud-init package's own 90_dpkg.cfg, which would otherwise win.
const SEED_CONFIG = [
  'datasource_list: [ NoCloud, None ]',
  'datasource:',
  '  NoCloud:',
  '    seedfrom: {{seedUrl}}',
]
  .map((line) => `"${line}"`)
  .join(' ');

export const DEBIAN_PRESEED = `# Rackpilot preseed for {{node.name}} ({{node.mac}}). Generated: edit the profile, not this file.
d-i debian-installer/locale string en_US.UTF-8
d-i keyboard-configuration/xkb-keymap select us
d-i netcfg/choose_interface select auto
d-i netcfg/get_hostname string {{node.name}}
d-i netcfg/hostname string {{node.name}}
d-i netcfg/get_domain string
d-i hw-detect/load_firmware boolean true
d-i mirror/country string manual
d-i mirror/http/hostname string deb.debian.org
d-i mirror/http/directory string /debian
d-i mirror/http/proxy string
# No root password and no user here: cloud-init creates {{node.sshUser}} with Rackpilot's key.
d-i passwd/root-login boolean false
d-i passwd/make-user boolean false
d-i clock-setup/utc boolean true
d-i time/zone string Etc/UTC
d-i clock-setup/ntp boolean true
# The whole first disk, one partition. With several disks, set partman-auto/disk in a clone.
d-i partman-auto/method string regular
d-i partman-auto/choose_recipe select atomic
d-i partman-partitioning/confirm_write_new_label boolean true
d-i partman/choose_partition select finish
d-i partman/confirm boolean true
d-i partman/confirm_nooverwrite boolean true
d-i partman-efi/non_efi_system boolean true
d-i apt-setup/non-free-firmware boolean true
tasksel tasksel/first multiselect standard, ssh-server
d-i pkgsel/include string cloud-init curl sudo
d-i pkgsel/upgrade select none
popularity-contest popularity-contest/participate boolean false
d-i grub-installer/only_debian boolean true
d-i grub-installer/bootdev string default
d-i preseed/late_command string in-target sh -c 'printf "%s\\n" ${SEED_CONFIG} > /etc/cloud/cloud.cfg.d/99-rackpilot.cfg'; ${installerPhoneHome('in-target')}
d-i finish-install/reboot_in_progress note
`;
