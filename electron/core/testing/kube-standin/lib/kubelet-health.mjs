/**
 * Whether the kubelet on this node would run, from the node's real state: swap on while
 * failSwapOn (kubelet's default) is set, its cgroupDriver disagreeing with containerd's
 * SystemdCgroup, containerd not running — each with the line kubelet logs before it exits and
 * systemd restarts it (journald short format, in /run/standin/journal/kubelet.service.log).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import { journalTime, klog } from './format.mjs';
import { CONTAINERD_CONFIG, KUBELET_CONFIG, KUBELET_JOURNAL, NODE_STATE, PROC_SWAPS } from './paths.mjs';
import { hasFault, nodeInfo, readJson } from './record.mjs';

export function swapOn() {
  try {
    return readFileSync(PROC_SWAPS, 'utf8').split('\n').slice(1).some((l) => l.trim() !== '');
  } catch {
    return false;
  }
}

/** containerd's runc cgroup driver from config.toml (containerd 1.x defaults to cgroupfs). */
export function containerdCgroupDriver() {
  try {
    const text = readFileSync(CONTAINERD_CONFIG, 'utf8');
    const m = /^\s*SystemdCgroup\s*=\s*(true|false)/m.exec(text);
    return m?.[1] === 'true' ? 'systemd' : 'cgroupfs';
  } catch {
    return 'cgroupfs';
  }
}

export function kubeletConfig() {
  try {
    return YAML.parse(readFileSync(KUBELET_CONFIG, 'utf8')) ?? {};
  } catch {
    return null;
  }
}

export const unitActive = (unit) => readJson(join(NODE_STATE, 'systemd', `${unit}.json`), null)?.active === true;

const CRI = 'unix:///var/run/containerd/containerd.sock';

/** null when the kubelet would run, else { reason, line } — `line` as kubelet logs it before exiting. */
export function kubeletFailure() {
  const config = kubeletConfig();
  if (!config) return { reason: 'no-config', line: `"command failed" err="failed to load kubelet config file, path: /var/lib/kubelet/config.yaml, error: failed to load Kubelet config file /var/lib/kubelet/config.yaml, error failed to read kubelet config file \\"/var/lib/kubelet/config.yaml\\", error: open /var/lib/kubelet/config.yaml: no such file or directory"` };
  if (hasFault('init-kubelet-unhealthy')) {
    return { reason: 'fault', line: '"command failed" err="failed to run Kubelet: failed to initialize top level QOS containers: root container [kubepods] doesn\'t exist"' };
  }
  if (!unitActive('containerd.service')) {
    return { reason: 'containerd', line: `"command failed" err="failed to run Kubelet: validate service connection: validate CRI v1 runtime API for endpoint \\"${CRI}\\": rpc error: code = Unavailable desc = connection error: desc = \\"transport: Error while dialing: dial unix /var/run/containerd/containerd.sock: connect: no such file or directory\\""` };
  }
  if (swapOn() && config.failSwapOn !== false) {
    return { reason: 'swap', line: '"command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap or set --fail-swap-on flag to false"' };
  }
  const want = config.cgroupDriver ?? 'cgroupfs';
  const runtime = containerdCgroupDriver();
  if (want !== runtime) {
    return { reason: 'cgroup', line: `"command failed" err="failed to run Kubelet: misconfiguration: kubelet cgroup driver: \\"${want}\\" is different from containerd cgroup driver: \\"${runtime}\\""` };
  }
  return null;
}

/** Appends journal lines as `kubelet[pid]` / `systemd[1]` of this node. */
export function journal(lines, pid = process.pid) {
  mkdirSync(dirname(KUBELET_JOURNAL), { recursive: true });
  const host = nodeInfo().name;
  const now = new Date();
  const text = lines.map(([who, msg]) => `${journalTime(now)} ${host} ${who === 'systemd' ? 'systemd[1]' : `kubelet[${pid}]`}: ${msg}\n`).join('');
  appendFileSync(KUBELET_JOURNAL, text);
}

/** The journal of one failed kubelet start, as systemd records it. */
export function journalFailure(failure, version) {
  const pid = 1000 + Math.floor(Math.random() * 30000);
  const now = new Date();
  journal([
    ['systemd', 'Started kubelet.service - kubelet: The Kubernetes Node Agent.'],
    ['kubelet', `${klog('I', 'server.go:530', now, pid)}"Kubelet version" kubeletVersion="${version}"`],
    ['kubelet', `${klog('E', 'run.go:72', now, pid)}${failure.line}`],
    ['systemd', 'kubelet.service: Main process exited, code=exited, status=1/FAILURE'],
    ['systemd', "kubelet.service: Failed with result 'exit-code'."],
  ], pid);
}

export function journalStarted(version) {
  const now = new Date();
  journal([
    ['systemd', 'Started kubelet.service - kubelet: The Kubernetes Node Agent.'],
    ['kubelet', `${klog('I', 'server.go:530', now)}"Kubelet version" kubeletVersion="${version}"`],
    ['kubelet', `${klog('I', 'kubelet.go:2400', now)}"Starting kubelet main sync loop"`],
  ]);
}

export const journalExists = () => existsSync(KUBELET_JOURNAL);
