#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Rackpilot's tests drive for real (DESIGN §8). Run as root.
# Idempotent: already-installed packages are skipped by apt.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
  chromium          # UI tier: Playwright drives Debian's Chromium (no browser download here)
  fonts-dejavu-core # so screenshots have real glyphs
  openssh-server    # integration tier: a real sshd on loopback
  openssh-client    # ssh-keygen, ssh-agent for the SSH tests
  sudo              # SSH tests: sudo with and without a password on the test host
  curl              # TFTP tests: a real TFTP client (blksize, tsize)
  atftp             # TFTP tests + bench: the Debian client that speaks windowsize (RFC 7440)
  tftp-hpa          # TFTP tests: tftp-hpa's client (no options, netascii)
  ipxe              # TFTP tests: Debian's iPXE binaries in /usr/lib/ipxe
  dnsmasq-base      # DHCP tests: the "other DHCP server" / home router, and the reference peer
  busybox           # DHCP tests: udhcpc as a real DHCP client
  iproute2          # lab and DHCP tests: network namespaces, veth, bridges, taps
  qemu-system-x86   # lab tier: virtual nodes that PXE boot (TCG)
  ipxe-qemu         # lab tier: the iPXE option ROMs QEMU's NICs boot with
  ovmf              # lab tier: UEFI firmware with its own PXE client
  qemu-utils        # practice rack: qemu-img makes the virtual nodes' qcow2 disks
  nginx-light       # bench (http-assets): the HTTP peer Rackpilot's asset server is compared with; and the lab registry's nginx image is made from its binary (testing/lab-registry-images.ts)
  ansible-core      # bench (ssh-fanout): ansible -m raw, the peer nodes.runCommand is compared with
  debootstrap       # lab image (scripts/build-lab-image.sh): the Debian base of the live node
  debian-archive-keyring # lab image: debootstrap checks the archive's Release signature with it
  squashfs-tools    # lab image: mksquashfs packs the live root (zstd)
  docker.io         # stacks tests + bench: a real Docker Engine (started by scripts/start-docker.sh)
  docker-compose    # stacks tests + bench: the peer Rackpilot's stacks interoperate with (labels)
  docker-registry   # stacks tests: a local registry the test images are pushed to and pulled from; the lab registry (practice nodes' Docker Hub mirror)
  containerd        # cluster tests: stand-in nodes run the real `containerd config default/dump`
  iptables          # cluster tests: stand-in nodes get real KUBE-* chains that teardown must remove
  util-linux        # cluster tests: unshare/nsenter give each stand-in node its own mounts and hostname
  gnupg             # cluster tests: `gpg --dearmor` of the (stand-in) pkgs.k8s.io key, as on a real node
  passwd            # cluster and SSH tests: useradd for throwaway login users
  openssl           # cluster tests: the stand-in kubeadm makes a real PKI
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: all packages present"
else
  echo "setup-system: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "setup-system: done"
fi

# No init system starts the engine on CI machines: start it by hand (no-op when it answers).
bash "$(dirname "$0")/start-docker.sh"

# The lab OS image that lab tests boot as live nodes (electron/core/testing/lab-vm.ts). Cached
# per machine by its recipe's hash: returns at once when unchanged, else builds (~2-3 min).
bash "$(dirname "$0")/build-lab-image.sh"
