/**
 * The stand-in kubelet of a node: a detached process kubeadm starts (pid in
 * /run/standin/kubelet-agent.pid). While systemd's kubelet unit is active it either "crash-loops"
 * (writes the reason to /run/standin/kubelet.failed and kubelet's last words to the journal) or
 * runs: healthz on 127.0.0.1:10248, port 10250 held, node status posted to the API server every
 * second (re-registering a deleted Node like the real kubelet), and the node's pods' traces made.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { ApiClient } from './api-client.mjs';
import { installedVersion } from './cli.mjs';
import { journalFailure, journalStarted, kubeletFailure, unitActive } from './kubelet-health.mjs';
import { syncNode } from './kubelet-sync.mjs';
import { syncStaticPods } from './static-pods.mjs';
import { kubeletChains } from './leftovers.mjs';
import { parseKubeconfig } from './kubeconfig.mjs';
import { nodeObject, nodeStatus } from './node-status.mjs';
import { KUBELET_AGENT_PID, KUBELET_CONF, KUBELET_CONFIG, KUBELET_FAILED, KUBELET_FLAGS, MANIFESTS_DIR } from './paths.mjs';
import { nodeInfo } from './record.mjs';
import { ApiError } from './store.mjs';

const log = (msg) => process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
const version = () => installedVersion('kubelet') ?? installedVersion('kubeadm') ?? 'v1.34.1';

/** --node-ip and --hostname-override from kubeadm-flags.env. */
function identity() {
  let flags = '';
  try {
    flags = readFileSync(KUBELET_FLAGS, 'utf8');
  } catch {
    flags = '';
  }
  const flag = (n) => new RegExp(`--${n}=(\\S+?)["\\s]`).exec(`${flags} `)?.[1];
  return { name: flag('hostname-override') ?? nodeInfo().name, nodeIp: flag('node-ip') ?? nodeInfo().address };
}

let health = null;
function openHealth() {
  if (health) return;
  const http = createHttpServer((req, res) => {
    res.writeHead(req.url?.startsWith('/healthz') ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(req.url?.startsWith('/healthz') ? 'ok' : '404 page not found\n');
  });
  http.on('error', (e) => log(`healthz: ${e.message}`));
  http.listen(10248, '127.0.0.1');
  const kubelet = createTcpServer((s) => s.destroy());
  kubelet.on('error', (e) => log(`10250: ${e.message}`));
  kubelet.listen(10250, '0.0.0.0');
  health = { http, kubelet };
}

function closeHealth() {
  if (!health) return;
  health.http.close();
  health.kubelet.close();
  health = null;
}

let failedSince = 0;
let failedReason = null;
let started = false;
let previous = null;

async function heartbeat(client, who) {
  const status = nodeStatus({ nodeIp: who.nodeIp, version: version(), previous });
  try {
    await client.patch(`/api/v1/nodes/${who.name}/status`, { status });
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 404)) throw e;
    log(`node ${who.name} not found: registering it`);
    await client.post('/api/v1/nodes', nodeObject({ name: who.name, nodeIp: who.nodeIp, version: version() }));
  }
  previous = status;
}

async function tick() {
  if (!existsSync(KUBELET_AGENT_PID) || readFileSync(KUBELET_AGENT_PID, 'utf8').trim() !== String(process.pid)) {
    closeHealth();
    process.exit(0);
  }
  if (!unitActive('kubelet.service') || !existsSync(KUBELET_CONFIG)) {
    closeHealth();
    started = false;
    return;
  }
  const failure = kubeletFailure();
  if (failure) {
    closeHealth();
    started = false;
    if (failure.reason !== failedReason || Date.now() - failedSince > 10_000) {
      writeFileSync(KUBELET_FAILED, `${failure.reason}\n`);
      journalFailure(failure, version());
      failedSince = Date.now();
      failedReason = failure.reason;
    }
    return;
  }
  failedReason = null;
  rmSync(KUBELET_FAILED, { force: true });
  if (!started) {
    // The kubelet creates its static pod directory when it starts.
    mkdirSync(MANIFESTS_DIR, { recursive: true });
    journalStarted(version());
    kubeletChains();
    started = true;
  }
  openHealth();
  await syncStaticPods(identity().name);
  if (!existsSync(KUBELET_CONF)) return;
  const conn = parseKubeconfig(readFileSync(KUBELET_CONF, 'utf8'), KUBELET_CONF);
  if (!conn) return;
  const client = new ApiClient(conn, { timeoutMs: 5000 });
  const who = identity();
  await heartbeat(client, who);
  const node = await client.get(`/api/v1/nodes/${who.name}`);
  const pods = (await client.get(`/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${who.name}`)}`)).items ?? [];
  const flannelCfg = pods.some((p) => p.metadata.labels?.app === 'flannel') ? (await client.find('/api/v1/namespaces/kube-flannel/configmaps/kube-flannel-cfg'))?.data ?? null : null;
  syncNode({ pods, node, nodeIp: who.nodeIp, flannelCfg, caCert: conn.caCert });
}

async function loop() {
  for (;;) {
    try {
      await tick();
    } catch (e) {
      log(`sync failed: ${e.message}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

writeFileSync(KUBELET_AGENT_PID, `${process.pid}\n`);
process.on('SIGTERM', () => {
  closeHealth();
  process.exit(0);
});
log('stand-in kubelet agent started');
loop();
