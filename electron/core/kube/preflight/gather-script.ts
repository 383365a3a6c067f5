/**
 * The one script preflight runs on each node (as root through sudo when it can): it only reads,
 * and prints every fact as a `key=value` line (a repeated key is a list), so parseFacts can
 * take it apart without guessing at formats. POSIX sh plus what Debian and Ubuntu always have
 * (coreutils, procps, iproute2, awk, grep); a missing tool just leaves its facts out.
 */

/** First line of the script's output: proves the script itself ran (and not just sudo's error). */
export const GATHER_MARKER = 'rackpilot-preflight=1';

export const GATHER_SCRIPT = `echo '${GATHER_MARKER}'
echo "uid=$(id -u)"
[ -r /etc/os-release ] && grep -E '^(ID|ID_LIKE|VERSION_ID|PRETTY_NAME)=' /etc/os-release | sed 's/^/os./'
echo "arch=$(uname -m)"
# nproc counts the CPUs this process may use (its affinity), as kubeadm's runtime.NumCPU() does.
echo "cpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"
awk '/^MemTotal:/ { print "memtotal_kib=" $2 }' /proc/meminfo
echo "hostname=$(cat /proc/sys/kernel/hostname)"
for d in /sys/class/net/*; do
  [ -r "$d/address" ] || continue
  phys=0; [ -e "$d/device" ] && phys=1
  echo "iface=\${d##*/} $(cat "$d/type" 2>/dev/null || echo 0) $(cat "$d/address" 2>/dev/null) $phys"
done
command -v ip >/dev/null 2>&1 && ip -o addr show 2>/dev/null | awk '{ split($4, a, "/"); print "ifaddr=" $2 " " a[1] }'
# Root only (mode 0400): without sudo this reports the error instead.
if u=$(cat /sys/class/dmi/id/product_uuid 2>&1); then echo "product_uuid=$u"; else echo "product_uuid_error=$(echo "$u" | head -n 1)"; fi
tail -n +2 /proc/swaps 2>/dev/null | awk 'NF { print "swap=" $1 " " $2 " " $3 }'
[ -r /etc/fstab ] && awk '$1 !~ /^#/ && $3 == "swap" { print "fstab_swap=" $1 }' /etc/fstab
# Time: what the node says about its own sync (the clock itself is compared separately).
if command -v timedatectl >/dev/null 2>&1; then
  s=$(timedatectl show -p NTPSynchronized --value 2>/dev/null) && [ -n "$s" ] && echo "ntp_synchronized=$s"
fi
command -v chronyc >/dev/null 2>&1 && chronyc -n tracking 2>/dev/null | awk -F' *: *' '/^Leap status/ { print "chrony_leap=" $2 }'
# comm is cut at 15 characters: systemd-timesyncd shows as systemd-timesyn.
for p in chronyd ntpd systemd-timesyn openntpd; do pgrep -x "$p" >/dev/null 2>&1 && echo "time_daemon=$p"; done
if command -v ss >/dev/null 2>&1; then
  echo ports_source=ss
  ss -Htlnp 2>/dev/null | sed 's/^/listen=/'
elif [ -r /proc/net/tcp ]; then
  echo ports_source=proc
  awk 'FNR > 1 && $4 == "0A" { n = split($2, a, ":"); print "listen_hex=" a[n] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
fi
for t in bash perl python3 socat timeout apt-get; do p=$(command -v "$t" 2>/dev/null) && echo "tool.$t=$p"; done
# Firewalls, to name the right command in a fix when a port turns out unreachable.
command -v ufw >/dev/null 2>&1 && ufw status 2>/dev/null | head -n 1 | sed 's/^/ufw=/'
command -v firewall-cmd >/dev/null 2>&1 && firewall-cmd --state 2>/dev/null | sed 's/^/firewalld=/'
command -v iptables >/dev/null 2>&1 && iptables -S INPUT 2>/dev/null | grep -E -- '-j (DROP|REJECT)|^-P INPUT DROP' | sed 's/^/input_rule=/'
exit 0
`;

/** One clock reading, as precise as the node's date allows (busybox date has no %N). */
export const CLOCK_SCRIPT = 'date -u +%s.%N';
