#!/usr/bin/env bash
# Starts the Docker Engine (Debian's docker.io) by hand when it is not answering: CI machines have
# no init system to do it. Runs as root. Idempotent: returns at once when the engine answers.
#
# --iptables=false --ip-forward=false: the engine must not rewrite the host's firewall (it would set
# FORWARD to DROP, which breaks the practice rack's bridges) nor turn the machine into a router.
# Published ports still work through docker-proxy; containers need no route out (nothing is pulled
# from the internet here, and the engine itself pulls from the local registry).
set -euo pipefail
SOCK=/var/run/docker.sock
LOG=/var/log/rackpilot-dockerd.log

answers() { curl -sf --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1; }

if answers; then echo "start-docker: engine already running"; exit 0; fi
command -v dockerd >/dev/null || { echo "start-docker: dockerd missing: apt-get install docker.io (scripts/setup-system.sh does)" >&2; exit 1; }

# A stale pid file from a killed engine stops the next one from starting.
rm -f /var/run/docker.pid /run/containerd/containerd.pid 2>/dev/null || true
nohup dockerd --iptables=false --ip-masq=false --ip-forward=false -H "unix://$SOCK" >"$LOG" 2>&1 &
for _ in $(seq 1 60); do
  if answers; then echo "start-docker: engine up ($(curl -s --unix-socket "$SOCK" http://localhost/version | sed -n 's/.*"Version":"\([^"]*\)".*/\1/p'))"; exit 0; fi
  sleep 0.5
done
echo "start-docker: dockerd did not answer within 30 s; its log:" >&2
tail -30 "$LOG" >&2
exit 1
