/**
 * The long-running parts a kubeadm node has: the control plane (the stand-in kube-apiserver,
 * "static pods" the kubelet would run) and the kubelet agent. Both run detached in the node's
 * namespaces (own session, output to a log file under /var/log) and are found again by pid file.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { APISERVER_LOG, APISERVERS_DIR, BIN_DIR, KUBELET_AGENT_PID, KUBELET_LOG, LIB_DIR, listDir } from './paths.mjs';
import { nodeInfo, readJson } from './record.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Whether `pid` is alive and its command line mentions `marker`. */
export function alive(pid, marker) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return !marker || readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

function detached(args, logFile) {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', fd, fd], cwd: '/' });
  closeSync(fd);
  child.unref();
  return child.pid;
}

/** The registry entries of API servers this node runs. */
export function localApiServers() {
  const me = nodeInfo().name;
  const files = listDir(APISERVERS_DIR).filter((f) => f.endsWith('.json'));
  return files.map((f) => ({ file: join(APISERVERS_DIR, f), ...readJson(join(APISERVERS_DIR, f), {}) })).filter((e) => e.node === me);
}

/** The registered first control plane of the cluster named `cluster`, if any. */
export function primaryApiServer(cluster) {
  const files = listDir(APISERVERS_DIR).filter((f) => f.endsWith('.json'));
  return files.map((f) => readJson(join(APISERVERS_DIR, f), {})).find((e) => e.mode === 'primary' && e.cluster === cluster && alive(e.pid, 'kube-apiserver')) ?? null;
}

/** Starts the stand-in kube-apiserver with `flags` (["--name=value", …]). */
export function startApiServer(flags) {
  return detached([join(BIN_DIR, 'kube-apiserver'), ...flags], APISERVER_LOG);
}

/** Polls https://host:port/livez until the server answers (or `timeoutMs` passes). */
export async function waitForApiServer(client, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  const start = Date.now();
  for (;;) {
    try {
      const r = await client.request('GET', '/livez', { raw: true });
      if (r.status === 200) return Date.now() - start;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) return null;
    await sleep(100);
  }
}

/**
 * Processes of this node whose command line mentions `marker`: the host's /proc shows every
 * node's processes, so "this node" means the same network and mount namespaces as ours.
 */
export function nodeProcesses(marker) {
  const ns = (pid, kind) => {
    try {
      return readlinkSync(`/proc/${pid}/ns/${kind}`);
    } catch {
      return null;
    }
  };
  const net = ns('self', 'net');
  const mnt = ns('self', 'mnt');
  return listDir('/proc').filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid).map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker) && ns(pid, 'net') === net && ns(pid, 'mnt') === mnt;
    } catch {
      return false;
    }
  });
}

async function kill(pid, marker) {
  if (!alive(pid, marker)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && alive(pid, marker); i++) await sleep(100);
  if (alive(pid, marker)) process.kill(pid, 'SIGKILL');
}

/** Stops this node's control plane (what removing its static pod manifests does). */
export async function stopApiServers() {
  for (const entry of localApiServers()) {
    await kill(entry.pid, 'kube-apiserver');
    rmSync(entry.file, { force: true });
  }
  // One started a moment ago may not have registered yet: it is found by its namespaces.
  for (const pid of nodeProcesses(join(BIN_DIR, 'kube-apiserver'))) await kill(pid, 'kube-apiserver');
}

export function kubeletAgentPid() {
  try {
    return Number(readFileSync(KUBELET_AGENT_PID, 'utf8').trim());
  } catch {
    return 0;
  }
}

/** The kubelet agent runs (started once per node; it follows the kubelet unit's state itself). */
export async function ensureKubeletAgent() {
  if (alive(kubeletAgentPid(), 'kubelet-agent')) return;
  detached([join(LIB_DIR, 'kubelet-agent.mjs')], KUBELET_LOG);
  for (let i = 0; i < 50 && !alive(kubeletAgentPid(), 'kubelet-agent'); i++) await sleep(100);
}

export async function stopKubeletAgent() {
  const pid = kubeletAgentPid();
  rmSync(KUBELET_AGENT_PID, { force: true });
  await kill(pid, 'kubelet-agent');
  for (const other of nodeProcesses(join(LIB_DIR, 'kubelet-agent.mjs'))) await kill(other, 'kubelet-agent');
}

