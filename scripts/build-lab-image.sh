#!/usr/bin/env bash
# Builds the lab OS image (DESIGN §8): a Debian bookworm live system — kernel, initrd and a zstd
# squashfs — that virtual nodes boot with `boot=live fetch=http://…/filesystem.squashfs ip=dhcp`
# and configure with cloud-init's NoCloud datasource. Tests boot it under QEMU TCG
# (electron/core/testing/lab-vm.ts).
#
# The same image installs itself to a node's disk (the "install-to-disk" profile): it carries
# GRUB for BIOS and UEFI, the partitioning tools and scripts/lab-image/rackpilot-install-to-disk,
# and keeps a second initrd inside the squashfs (/boot/initrd.img-<version>, MODULES=most) that
# can mount a root on a local disk. The live initrd served beside the squashfs stays
# MODULES=netboot.
#
# Built once per machine: the output lives in
#   ${RACKPILOT_CACHE_DIR:-/var/cache/rackpilot}/lab-image/<recipe hash>/
# with `lab-image/current` pointing at it. The recipe hash covers this script (which holds the
# package list) and the files it copies into the image, so editing any of them rebuilds; an
# unchanged recipe exits at once. Run as root.
#
# Safe to interrupt or to run twice at once: a lock serialises runs, the build happens in a temp
# dir inside a private mount namespace (so /proc, /sys, /dev mounted for the chroot can never
# leak onto the host, even if this script is killed), and the result is renamed into place only
# when complete.
set -Eeuo pipefail
export LC_ALL=C.UTF-8

SUITE=bookworm
MIRROR=http://deb.debian.org/debian
SECURITY_MIRROR=http://deb.debian.org/debian-security

# debootstrap only a small base: a long --include list fails on virtual packages
# (python3-cryptography needs python3-cffi-backend-api-*), so the rest comes from apt below.
BASE_INCLUDE=ca-certificates

# Installed in the chroot with apt (no recommends: each package here is wanted for a reason).
PACKAGES=(
  linux-image-amd64    # the kernel; its modules ship in the squashfs (docker needs overlay, nf_*)
  live-boot            # initramfs scripts for boot=live fetch=…; pulls busybox (its wget fetches)
  zstd                 # initramfs COMPRESS=zstd: smaller initrd, faster to unpack under TCG
  systemd-sysv         # init
  dbus                 # hostnamectl (cloud-init sets the hostname through systemd-hostnamed)
  ifupdown             # runtime network: cloud-init describes the boot NIC in interfaces.d…
  isc-dhcp-client      # … and ifup runs dhclient on it, which keeps the DHCP lease
  netbase              # /etc/services, /etc/protocols (Python's socket, apt)
  iproute2             # ip, ss
  cloud-init           # NoCloud seed → users, keys, hostname (the node's provisioning path)
  openssh-server       # how Rackpilot reaches a node
  openssh-sftp-server  # SFTP (file uploads over the same SSH connection)
  sudo                 # the admin user's passwordless sudo
  docker.io            # stacks run on nodes (DESIGN §6)
  apparmor             # the kernel has AppArmor on: without apparmor_parser `docker run` fails
  curl                 # fetches by recipes and by hand
  ca-certificates      # HTTPS for curl and apt
  python3              # recipes' helpers (and cloud-init's own runtime)
  procps               # ps, free, sysctl
  less                 # a usable shell on the node's console
  nginx                # guided labs serve pages with it; installed but disabled (configure_system)
  # For rackpilot-install-to-disk (the live system writes itself to the node's disk):
  fdisk                # sfdisk: the GPT
  dosfstools           # mkfs.vfat: the EFI system partition
  e2fsprogs            # mkfs.ext4: the root (in minbase already; listed because the installer needs it)
  grub-pc-bin          # GRUB for BIOS firmware (core image in the BIOS boot partition)
  grub-efi-amd64-bin   # GRUB for UEFI firmware (\EFI\BOOT\BOOTX64.EFI on the ESP)
  grub2-common         # grub-install
)

CACHE_ROOT="${RACKPILOT_CACHE_DIR:-/var/cache/rackpilot}/lab-image"
SELF="$(readlink -f "${BASH_SOURCE[0]}")"
# Copied into the image as /usr/local/sbin/rackpilot-install-to-disk.
INSTALLER="$(dirname "$SELF")/lab-image/rackpilot-install-to-disk"
[ -f "$INSTALLER" ] || { echo "build-lab-image: $INSTALLER is missing (it goes into the image)" >&2; exit 1; }
# The package list is part of this file; hashing it again separately documents the intent.
HASH="$({ cat "$SELF" "$INSTALLER"; printf '%s\n' "${PACKAGES[@]}"; } | sha256sum | cut -c1-16)"
OUT="$CACHE_ROOT/$HASH"
OUTPUTS=(vmlinuz initrd.img filesystem.squashfs manifest.json)
LOG="$CACHE_ROOT/last-build.log"
# Elapsed seconds are counted from the first run's start, also inside the namespaced child.
export RACKPILOT_LAB_BUILD_STARTED="${RACKPILOT_LAB_BUILD_STARTED:-$EPOCHSECONDS}"

elapsed() { echo $((EPOCHSECONDS - RACKPILOT_LAB_BUILD_STARTED)); }
say() { printf 'build-lab-image: [%4ds] %s\n' "$(elapsed)" "$*"; }

complete() {
  local f
  for f in "${OUTPUTS[@]}"; do [ -s "$1/$f" ] || return 1; done
}

# `current` is replaced atomically (rename over the old link), never left missing.
link_current() {
  ln -sfn "$HASH" "$CACHE_ROOT/.current.tmp"
  mv -T "$CACHE_ROOT/.current.tmp" "$CACHE_ROOT/current"
}

print_sizes() {
  local f
  for f in "${OUTPUTS[@]}"; do
    printf '  %-20s %8s\n' "$f" "$(du -h --apparent-size "$1/$f" | cut -f1)"
  done
}

# ---------------------------------------------------------------------------------------------
# Inside the private mount namespace: the build proper. $1 is the temp dir to build in.
# ---------------------------------------------------------------------------------------------
ROOT=""           # the chroot being built (set by build)
STAGE=""          # the stage running now, for the failure message
MOUNTS=()         # what mount_chroot_fs mounted, unmounted in reverse order

unmount_all() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" 2>/dev/null || true
  done
  MOUNTS=()
}

stage() {
  STAGE="$1"
  say "$STAGE"
  echo "=== [$(elapsed)s] $STAGE" >>"$LOG"
}

# Runs a command, its output going to the log (the terminal only sees one line per stage).
run() { "$@" >>"$LOG" 2>&1; }

in_root() {
  run chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

# apt and maintainer scripts need /proc, /sys and /dev; they are mounted in this process's own
# mount namespace only.
mount_chroot_fs() {
  local m
  for m in proc sys dev dev/pts; do mkdir -p "$ROOT/$m"; done
  mount -t proc proc "$ROOT/proc" && MOUNTS+=("$ROOT/proc")
  mount -t sysfs sysfs "$ROOT/sys" && MOUNTS+=("$ROOT/sys")
  mount --bind /dev "$ROOT/dev" && MOUNTS+=("$ROOT/dev")
  mount -t devpts -o newinstance,ptmxmode=0666 devpts "$ROOT/dev/pts" && MOUNTS+=("$ROOT/dev/pts")
}

fail() {
  local rc=$?
  trap - ERR
  echo "build-lab-image: FAILED in stage '$STAGE' (exit $rc) after $(elapsed) s" >&2
  echo "build-lab-image: last lines of $LOG:" >&2
  tail -n 25 "$LOG" | sed 's/^/  | /' >&2
  exit "$rc"
}

build() {
  local work="$1" root="$1/rootfs"
  ROOT="$root"
  trap unmount_all EXIT
  # apt and dpkg finish their current step first; then the build stops and nothing is kept.
  trap 'echo "build-lab-image: interrupted in stage '"'"'$STAGE'"'"'; nothing was kept" >&2; exit 130' INT TERM
  trap fail ERR

  stage "debootstrap $SUITE (minbase + $BASE_INCLUDE)"
  run debootstrap --variant=minbase --include="$BASE_INCLUDE" "$SUITE" "$root" "$MIRROR"

  stage "configure apt sources, dpkg excludes and initramfs"
  # apt must work on a booted node (recipes install packages), through the same mirror host.
  cat >"$root/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF
  # Docs, man pages and translations are dead weight in a RAM-backed root (also for packages a
  # node installs later); copyright files stay, as Debian policy asks.
  cat >"$root/etc/dpkg/dpkg.cfg.d/01-rackpilot-nodoc" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$root/etc/apt/apt.conf.d/01-rackpilot-norecommends"
  # zstd unpacks several times faster than gzip, which shows under TCG. MODULES=netboot keeps
  # network drivers and filesystems but drops storage/USB/GPU drivers a net-booted node never
  # needs in its initrd (live-boot's hook adds squashfs, overlay and loop itself). The disk
  # initrd is made from this same file later, switched to MODULES=most (build_disk_initrd).
  mkdir -p "$root/etc/initramfs-tools/conf.d"
  printf 'COMPRESS=zstd\nMODULES=netboot\n' >"$root/etc/initramfs-tools/conf.d/rackpilot.conf"
  install_initramfs_netfix "$root"
  # No daemon may start inside the build chroot.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"

  stage "apt-get install ${#PACKAGES[@]} packages (kernel, live-boot, cloud-init, sshd, docker…)"
  mount_chroot_fs
  in_root apt-get update
  in_root apt-get install -y "${PACKAGES[@]}"

  stage "configure the live system (cloud-init, services, first boot)"
  configure_system "$root"

  local kernel initrd
  kernel="$(find "$root/boot" -maxdepth 1 -name 'vmlinuz-*' | sort -V | tail -n 1)"
  initrd="$(find "$root/boot" -maxdepth 1 -name 'initrd.img-*' | sort -V | tail -n 1)"
  if [ -z "$kernel" ] || [ -z "$initrd" ]; then
    echo "no kernel/initrd in $root/boot" >>"$LOG"
    false
  fi

  stage "check the live initrd (MODULES=netboot), record package versions"
  # live-boot's fetch= downloads with wget in the initramfs (busybox's applet): it must be there.
  chroot "$root" lsinitramfs "/boot/${initrd##*/}" >"$work/initrd.list"
  grep -qE '(^|/)bin/wget$' "$work/initrd.list" \
    || { echo "the initrd has no wget: live-boot's fetch= would fail" >>"$LOG"; false; }
  grep -qE 'scripts/live-bottom/rackpilot-netfix$' "$work/initrd.list" \
    || { echo "the initrd lacks scripts/live-bottom/rackpilot-netfix" >>"$LOG"; false; }
  # Served beside the squashfs; the one left in /boot is replaced by the disk initrd next.
  install -m 0644 "$initrd" "$work/initrd.live"
  # shellcheck disable=SC2016 # dpkg-query's own ${field} syntax
  chroot "$root" dpkg-query -W -f '${Package}\t${Version}\n' >"$work/packages.tsv"

  stage "build the disk initrd (MODULES=most) for install-to-disk"
  build_disk_initrd "$root" "$work" "${initrd##*/initrd.img-}"

  stage "clean apt caches, logs and per-node state"
  in_root apt-get clean
  unmount_all
  clean_system "$root"

  stage "copy kernel and live initrd"
  install -m 0644 "$kernel" "$work/out/vmlinuz"
  install -m 0644 "$work/initrd.live" "$work/out/initrd.img"
  # /boot keeps the kernel and the disk initrd: rackpilot-install-to-disk copies them to the
  # node's disk, where GRUB boots them.

  stage "mksquashfs (zstd)"
  # Level 15 against 19, measured here: 68 s against 142 s to compress, 249 against 229 MiB.
  # Decompression speed is the same; 20 MiB more to fetch costs well under a second.
  run mksquashfs "$root" "$work/out/filesystem.squashfs" -noappend -comp zstd -Xcompression-level 15 \
    -b 1M -processors "$(nproc)" -no-progress

  stage "write manifest.json"
  write_manifest "$work" "$(basename "$kernel" | sed 's/^vmlinuz-//')"
  trap - ERR
}

# Settings that make the image a lab node: cloud-init talks only to its NoCloud seed, nothing
# phones out on its own, and nothing slows a TCG boot that a node does not need. (Measured under
# TCG: docker at boot delayed cloud-final by ~20 s, grub-dpkg cost ~4 s, the sshd restart for
# ssh_pwauth ~2 s.)
configure_system() {
  local root="$1"
  cat >"$root/etc/cloud/cloud.cfg.d/90-rackpilot.cfg" <<'EOF'
# Rackpilot lab image: nodes are seeded over HTTP (ds=nocloud-net;s=http://…/ on the kernel
# command line). No other datasource is probed (no cloud metadata addresses are tried).
datasource_list: [NoCloud, None]
# Keep the image's sources (deb.debian.org for both the archive and security): cloud-init's
# Debian template would point security at another host.
apt:
  preserve_sources_list: true
# No locales package in the image: C.UTF-8 is built in, so cloud-init need not run locale-gen.
locale: C.UTF-8
# No GRUB on a live node; the module only probes for it (seconds under TCG).
grub_dpkg:
  enabled: false
# DSA is disabled in bookworm's sshd anyway: do not spend boot time generating it.
ssh_genkeytypes: [rsa, ecdsa, ed25519]
EOF
  printf 'LANG=C.UTF-8\n' >"$root/etc/default/locale"
  # Already what Rackpilot's user-data asks for (ssh_pwauth: false), so cloud-init finds nothing
  # to change and does not restart sshd mid-boot.
  printf '\n# Rackpilot lab image: keys only.\nPasswordAuthentication no\n' >>"$root/etc/ssh/sshd_config"
  # A node's `apt-get update` need not fetch and parse ~6 MB of translations.
  printf 'Acquire::Languages "none";\n' >"$root/etc/apt/apt.conf.d/01-rackpilot-no-translations"
  # Periodic jobs that would compete with a test under TCG (and apt-daily would hold apt's lock
  # while a recipe runs apt-get). A node is short-lived; nothing here is needed.
  local unit
  for unit in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
    e2scrub_reap.service fstrim.timer man-db.timer logrotate.timer; do
    ln -sfn /dev/null "$root/etc/systemd/system/$unit"
  done
  # Docker starts on first use of its socket instead of at boot: cloud-final (and so SSH
  # readiness) waits for multi-user.target, which waited ~20 s for dockerd under TCG.
  # `docker …` or `systemctl start docker` start it (containerd comes with it).
  rm -f "$root/etc/systemd/system/multi-user.target.wants/docker.service" \
    "$root/etc/systemd/system/multi-user.target.wants/containerd.service"
  [ -L "$root/etc/systemd/system/sockets.target.wants/docker.socket" ] \
    || { echo "docker.socket is not enabled in the image" >>"$LOG"; false; }
  # Guided labs have the learner start nginx (`systemctl enable --now nginx`): a fresh node must
  # serve nothing, so the unit the package enabled is disabled again (nothing listens on :80).
  in_root systemctl disable nginx.service
  [ ! -e "$root/etc/systemd/system/multi-user.target.wants/nginx.service" ] \
    || { echo "nginx.service is still enabled in the image" >>"$LOG"; false; }
  # overlay2 cannot stack on the live root (itself an overlayfs), and dockerd would fall back to
  # loop-backed devicemapper; on a tmpfs (RAM, like the root's upper layer) overlay2 works.
  cat >"$root/etc/systemd/system/var-lib-docker.mount" <<'EOF'
[Unit]
Description=Docker's data on tmpfs (overlay2 cannot use the live root's overlayfs)

[Mount]
What=tmpfs
Where=/var/lib/docker
Type=tmpfs
Options=mode=0710
EOF
  mkdir -p "$root/etc/systemd/system/docker.service.d"
  printf '[Unit]\nRequiresMountsFor=/var/lib/docker\n' >"$root/etc/systemd/system/docker.service.d/rackpilot-tmpfs.conf"
  # No time sync daemon is installed on purpose (it would reach for the Debian NTP pool).
  ln -sfn /usr/share/zoneinfo/Etc/UTC "$root/etc/localtime"
  printf 'localhost\n' >"$root/etc/hostname"
  printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
  # Used when the node boots without ip= (live-boot then leaves the file alone); cloud-init
  # describes the NIC in interfaces.d.
  printf 'auto lo\niface lo inet loopback\n\nsource /etc/network/interfaces.d/*\n' \
    >"$root/etc/network/interfaces"
  # What the install-to-disk profile's cloud-init runcmd runs.
  install -D -m 0755 "$INSTALLER" "$root/usr/local/sbin/rackpilot-install-to-disk"
}

# The initrd an installed node boots from its own disk: its root is on virtio-blk, SATA/AHCI,
# NVMe or SCSI, none of which MODULES=netboot includes. The image's initramfs config stays at
# MODULES=most, so a kernel upgrade on an installed node keeps such an initrd. $3 is the kernel
# version.
build_disk_initrd() {
  local root="$1" work="$2" version="$3" module
  sed -i 's/^MODULES=.*/MODULES=most/' "$root/etc/initramfs-tools/conf.d/rackpilot.conf"
  in_root update-initramfs -u -k "$version"
  chroot "$root" lsinitramfs "/boot/initrd.img-$version" >"$work/initrd-disk.list"
  for module in virtio_blk ext4 ahci nvme sd_mod; do
    grep -qE "/$module\.ko(\.[a-z]+)?\$" "$work/initrd-disk.list" \
      || { echo "the disk initrd lacks $module.ko: an installed node could not mount its root" >>"$LOG"; false; }
  done
  cmp -s "$root/boot/initrd.img-$version" "$work/initrd.live" \
    && { echo "update-initramfs left the disk initrd equal to the live one" >>"$LOG"; false; }
  return 0
}

# An initramfs script run after live-boot has set up the root (live-bottom). live-boot reads the
# kernel's `ip=` as its own static-address option, so initramfs-tools' `ip=dhcp` makes it write
# an interface named "dhcp" into /etc/network/interfaces and "nameserver dhcp" into
# /etc/resolv.conf: the node boots with no DNS and apt fails. This puts back what the
# initramfs' DHCP really got. cloud-init then describes that NIC in interfaces.d (from the
# initramfs' /run/net-*.conf) and brings it up with ifup, so dhclient keeps the lease.
install_initramfs_netfix() {
  local root="$1" dir="$1/etc/initramfs-tools/scripts/live-bottom"
  mkdir -p "$dir"
  cat >"$dir/rackpilot-netfix" <<'EOF'
#!/bin/sh
# Rackpilot lab image: repair live-boot's reading of ip=dhcp (see build-lab-image.sh).
PREREQ=""
prereqs() { echo "$PREREQ"; }
case "$1" in prereqs) prereqs; exit 0 ;; esac

ip=""
for arg in $(cat /proc/cmdline); do
	case "$arg" in ip=*) ip="${arg#ip=}" ;; esac
done
case "$ip" in
	dhcp | on | any | bootp | both) ;;
	*) exit 0 ;;
esac

printf 'auto lo\niface lo inet loopback\n\nsource /etc/network/interfaces.d/*\n' >/root/etc/network/interfaces

servers=""
search=""
for conf in /run/net-*.conf; do
	[ -e "$conf" ] || continue
	IPV4DNS0="" IPV4DNS1="" DOMAINSEARCH=""
	. "$conf"
	for ns in $IPV4DNS0 $IPV4DNS1; do
		[ "$ns" = 0.0.0.0 ] || servers="$servers $ns"
	done
	[ -n "$DOMAINSEARCH" ] && search="$DOMAINSEARCH"
done
if [ -n "$servers" ]; then
	{
		[ -n "$search" ] && echo "search $search"
		for ns in $servers; do echo "nameserver $ns"; done
	} >/root/etc/resolv.conf
fi
exit 0
EOF
  chmod 755 "$dir/rackpilot-netfix"
}

clean_system() {
  local root="$1"
  rm -f "$root/usr/sbin/policy-rc.d"
  # apt works at run time after `apt-get update`; the lists would only be stale weight.
  find "$root/var/lib/apt/lists" -mindepth 1 -maxdepth 1 ! -name partial ! -name lock -exec rm -rf {} +
  rm -f "$root"/var/cache/apt/*.bin "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old
  # Per-node identity must be made on each node: host keys by cloud-init, machine-id by systemd.
  rm -f "$root"/etc/ssh/ssh_host_*
  : >"$root/etc/machine-id"
  rm -f "$root/var/lib/dbus/machine-id"
  rm -rf "$root/var/lib/cloud"/* "$root"/tmp/* "$root"/var/tmp/*
  find "$root/var/log" -type f -delete
  # debootstrap copied the build host's resolver; the node gets its own by DHCP.
  : >"$root/etc/resolv.conf"
}

write_manifest() {
  local work="$1" kernel_version="$2" f
  local files="" packages
  for f in vmlinuz initrd.img filesystem.squashfs; do
    files+="$(printf '%s\n    "%s": { "bytes": %d, "sha256": "%s" }' "${files:+,}" "$f" \
      "$(stat -c %s "$work/out/$f")" "$(sha256sum "$work/out/$f" | cut -d' ' -f1)")"
  done
  packages="$(awk -F'\t' '{ printf "%s\n    { \"name\": \"%s\", \"version\": \"%s\" }", (NR > 1 ? "," : ""), $1, $2 }' \
    "$work/packages.tsv")"
  cat >"$work/out/manifest.json" <<EOF
{
  "recipeHash": "$HASH",
  "suite": "$SUITE",
  "mirror": "$MIRROR",
  "kernelVersion": "$kernel_version",
  "builtAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "buildSeconds": $(elapsed),
  "files": {$files
  },
  "packages": [$packages
  ]
}
EOF
}

# ---------------------------------------------------------------------------------------------
# Entry
# ---------------------------------------------------------------------------------------------
if [ "${1:-}" = "--build-in-namespace" ]; then
  build "$2"
  exit 0
fi

if complete "$OUT"; then
  if [ "$(readlink "$CACHE_ROOT/current" 2>/dev/null)" != "$HASH" ] && [ -w "$CACHE_ROOT" ]; then
    link_current
  fi
  say "lab image up to date: $OUT"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "build-lab-image: needs root (debootstrap, chroot, mounts): run sudo $0" >&2
  exit 1
fi
for tool in debootstrap mksquashfs unshare flock; do
  command -v "$tool" >/dev/null || {
    echo "build-lab-image: $tool is missing: run scripts/setup-system.sh" >&2
    exit 1
  }
done

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.lock"
if ! flock -n 9; then
  say "another build holds $CACHE_ROOT/.lock; waiting for it"
  flock 9
fi
if complete "$OUT"; then
  link_current
  say "lab image built by another run: $OUT"
  exit 0
fi

# Leftovers of an interrupted run. Their mounts lived in that run's private namespace and died
# with it; refuse to delete anything that is still a mount point here all the same.
for stale in "$CACHE_ROOT"/.build-*; do
  [ -e "$stale" ] || continue
  if grep -qF " $stale/" /proc/self/mountinfo; then
    echo "build-lab-image: $stale still has mounts; unmount them and remove it" >&2
    exit 1
  fi
  rm -rf "$stale"
done

WORK="$(mktemp -d "$CACHE_ROOT/.build-$HASH.XXXXXX")"
mkdir -p "$WORK/out"
: >"$LOG"
say "building lab image $HASH in $WORK (log: $LOG)"
# Removing the temp dir is safe: the chroot mounts only ever existed in the child's namespace.
trap 'rm -rf "$WORK"' EXIT
unshare --mount --propagation private -- bash "$SELF" --build-in-namespace "$WORK"

chmod 0755 "$WORK/out"
mv -T "$WORK/out" "$OUT"
link_current
# Older recipes' builds are never used again (`current` has moved on): reclaim their space.
for old in "$CACHE_ROOT"/*/; do
  old="${old%/}"
  [ "$old" = "$OUT" ] || [ -L "$old" ] || [ ! -f "$old/manifest.json" ] || rm -rf "$old"
done
say "done: $OUT"
print_sizes "$OUT"
