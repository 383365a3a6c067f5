/**
 * Node-level causes that keep kubelet (and so the control plane) from running. Message texts are
 * kubeadm's (cmd/kubeadm/app/preflight/checks.go, phases/init/waitcontrolplane.go), kubelet's
 * (cmd/kubelet/app/server.go, pkg/kubelet/cm) and runc's as containerd relays them.
 */
import { quote, seen, steps } from './evidence';
import type { Evidence, Rule } from './types';

/** kubeadm's words when kubelet never answered on :10248 (1.31+ and older layouts). */
const KUBELET_DOWN = [
  /\[kubelet-check\] The kubelet is not healthy after/,
  /It seems like the kubelet isn't running or healthy/,
  /The HTTP call equal to 'curl -sSL http:\/\/(localhost|127\.0\.0\.1):10248\/healthz' (failed|returned error)/,
  /failed while waiting for the kubelet/,
  /^\s*- The kubelet is not running\s*$/,
];
const CONTROL_PLANE_DOWN = [
  /\[control-plane-check\] \S+ is not healthy after/,
  /\[api-check\] The API server is not healthy after/,
  /failed while waiting for the control plane to start/,
  /A control plane component may have crashed or exited/,
];
/** Static pods restarting in a loop: what a cgroup driver mismatch looks like on cgroup v2. */
const POD_CHURN = [/Sandbox for pod has changed/, /Pod sandbox changed, it will be killed and re-created/, /CrashLoopBackOff/];

const RESET_AND_RERUN = 'Then clean up the half-done attempt with `sudo kubeadm reset -f` and run the step again.';

const kubeletInTrouble = (ev: Evidence) => ev.failed && seen(ev, [...KUBELET_DOWN, ...CONTROL_PLANE_DOWN]) !== undefined;

export const cgroupDriverMismatch: Rule = {
  code: 'cgroup-driver-mismatch',
  title: 'kubelet and the container runtime use different cgroup drivers',
  retryable: false,
  diagnose(ev) {
    const direct = seen(ev, [
      /kubelet cgroup driver: \S+ is different from \w+ cgroup driver: \S+/,
      /expected cgroupsPath to be of format .{0,3}slice:prefix:name/,
    ]);
    const reported = seen(ev, /cgroup driver setting received from the CRI runtime"? cgroupDriver="?(\w+)/, ['journal']);
    const expected = ev.input.cgroupDriver;
    const reportedMismatch = expected && reported && reported.match[1] !== expected ? reported : undefined;
    // containerd's runc options print as `SystemdCgroup = false` (config.toml) or `"SystemdCgroup": false`
    // (crictl info). Only a sign of trouble when the cluster wants systemd and pods are failing.
    const systemdOff = expected !== 'cgroupfs' ? seen(ev, /"?SystemdCgroup"?\s*[:=]\s*false/) : undefined;
    const offAndFailing = systemdOff && (kubeletInTrouble(ev) || seen(ev, POD_CHURN)) ? systemdOff : undefined;
    const line = direct ?? reportedMismatch ?? offAndFailing;
    if (!line) return null;
    const want = expected ?? 'systemd';
    const why = reportedMismatch
      ? ` The cluster is set up for "${want}", but the runtime reports "${reportedMismatch.match[1]}".`
      : '';
    return {
      detail: `${quote(ev, line)}.${why} When kubelet and containerd disagree, kubelet fails or keeps killing and re-creating the control-plane pods.`,
      fix: steps(
        `Make containerd use the cluster's driver: in /etc/containerd/config.toml, under the runc runtime's options, set \`SystemdCgroup = ${want === 'systemd'}\` (running the node-prerequisites phase again rewrites the file Rackpilot renders). With Docker as the runtime, set "exec-opts": ["native.cgroupdriver=${want}"] in /etc/docker/daemon.json instead.`,
        'Restart the runtime: `sudo systemctl restart containerd` (or docker).',
        `Check kubelet agrees: \`grep cgroupDriver /var/lib/kubelet/config.yaml\` should say ${want}.`,
        RESET_AND_RERUN,
      ),
    };
  },
};

export const swapEnabled: Rule = {
  code: 'swap-enabled',
  title: 'Swap is on',
  retryable: false,
  diagnose(ev) {
    // Since 1.28 kubeadm only warns about swap; kubelet, still set to failSwapOn, then refuses to run.
    const line =
      seen(ev, [/\[ERROR Swap\]/, /running with swap on is not supported/]) ?? (kubeletInTrouble(ev) ? seen(ev, /\[WARNING Swap\]/) : undefined);
    if (!line) return null;
    return {
      detail: `${quote(ev, line)}. kubelet refuses to start while the node has swap enabled.`,
      fix: steps(
        'Turn swap off now: `sudo swapoff -a`.',
        "Keep it off after a reboot: comment out the swap lines in /etc/fstab (`sudo sed -i '/\\sswap\\s/ s/^[^#]/#&/' /etc/fstab`); if `swapon --show` still lists a zram device, remove zram-generator or mask its unit.",
        '`swapon --show` must print nothing.',
        RESET_AND_RERUN,
      ),
    };
  },
};

export const containerRuntimeDown: Rule = {
  code: 'container-runtime-down',
  title: 'The container runtime is not answering',
  retryable: false,
  diagnose(ev) {
    const criOff = seen(ev, [/unknown service runtime\.v1(alpha2)?\.RuntimeService/, /CRI v1 runtime API is not implemented/]);
    const down =
      criOff ??
      seen(ev, [
        /container runtime is not running/,
        /dial unix \S*(containerd|crio|cri-dockerd)\.sock: connect: (no such file or directory|connection refused)/,
        /validate CRI v1 runtime API for endpoint/,
        /Couldn't create the interface used for talking to the container runtime/,
      ]);
    if (!down) return null;
    if (criOff) {
      return {
        detail: `${quote(ev, down)}. containerd is running with its CRI plugin switched off, so Kubernetes cannot use it.`,
        fix: steps(
          'Docker\'s containerd.io package ships /etc/containerd/config.toml with `disabled_plugins = ["cri"]`. Replace that file with the one Rackpilot renders (run the node-prerequisites phase again), or delete "cri" from disabled_plugins.',
          'Restart it: `sudo systemctl restart containerd`, then `sudo crictl info` must answer.',
          RESET_AND_RERUN,
        ),
      };
    }
    return {
      detail: `${quote(ev, down)}. Nothing answers on the container runtime's socket.`,
      fix: steps(
        'Start the runtime and keep it enabled: `sudo systemctl enable --now containerd`.',
        'If it does not stay up, read why: `sudo journalctl -u containerd -e --no-pager`.',
        "Check the socket exists where the cluster expects it (nodeRegistration.criSocket, by default unix:///run/containerd/containerd.sock): `sudo crictl info` must answer.",
        RESET_AND_RERUN,
      ),
    };
  },
};

export const kubeletUnhealthy: Rule = {
  code: 'kubelet-unhealthy',
  title: 'kubelet did not become healthy',
  retryable: false,
  symptom: true,
  diagnose(ev) {
    const line = ev.failed ? seen(ev, KUBELET_DOWN) : undefined;
    if (!line) return null;
    return {
      detail: `${quote(ev, line)}. kubelet never answered on its health port (10248); the journal says why.`,
      fix: steps(
        "Read kubelet's last words: `sudo journalctl -xeu kubelet --no-pager | tail -50`.",
        'The usual causes: swap on (`swapon --show`), a cgroup driver mismatch between kubelet and containerd, containerd not running (`systemctl status containerd`).',
        RESET_AND_RERUN,
      ),
    };
  },
};

export const controlPlaneUnhealthy: Rule = {
  code: 'control-plane-unhealthy',
  title: 'The control-plane components did not become healthy',
  retryable: false,
  symptom: true,
  diagnose(ev) {
    // When kubelet itself is down that is the story; the components never had a chance.
    if (!ev.failed || seen(ev, KUBELET_DOWN)) return null;
    const line = seen(ev, CONTROL_PLANE_DOWN);
    if (!line) return null;
    return {
      detail: `${quote(ev, line)}. kubelet ran, but the API server, controller-manager or scheduler did not come up.`,
      fix: steps(
        "List the control-plane containers and find the one that exits: `sudo crictl ps -a | grep kube | grep -v pause`.",
        'Read its log: `sudo crictl logs <container id>`.',
        'Common causes: a cgroup driver mismatch (the pods restart every few minutes), an advertise address that is not on this node, too little memory.',
        RESET_AND_RERUN,
      ),
    };
  },
};

export const NODE_RULES: Rule[] = [cgroupDriverMismatch, swapEnabled, containerRuntimeDown, kubeletUnhealthy, controlPlaneUnhealthy];
