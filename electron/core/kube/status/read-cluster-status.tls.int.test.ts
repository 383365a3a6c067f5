/**
 * readClusterStatus through the real @kubernetes/client-node stack against a local HTTPS server
 * with a generated PKI (a unit-level integration test: real TLS, client-certificate auth and
 * JSON, but not Kubernetes — the stand-in rack test covers the kubeadm flow).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterKubeconfig } from '../kubeconfig/cluster-kubeconfig';
import { adminConf, issueAdminCert, issueCert, makeCa, type TestCert } from '../kubeconfig/fixtures/test-pki';
import { apiStatus, startLocalApiServer, type LocalApiServer } from './fixtures/local-api-server';
import { readClusterStatus } from './read-cluster-status';

let ca: TestCert;
let admin: TestCert;
let api: LocalApiServer;
let foreignApi: LocalApiServer;
let wrongSanApi: LocalApiServer;

function kubeconfigFor(port: number, client: TestCert = admin): string {
  return clusterKubeconfig(adminConf({ ca, client, server: `https://10.0.0.11:6443` }), { clusterName: 'lab', endpoint: `127.0.0.1:${port}` }).yaml;
}

/** A TCP port that accepts connections and never says anything (a hung API server, a black hole). */
async function silentPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { port, close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }) };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  ca = makeCa();
  admin = issueAdminCert(ca);
  api = await startLocalApiServer({ ca, serverCert: issueCert(ca, { cn: 'kube-apiserver', server: true, ipSans: ['127.0.0.1', '10.96.0.1'], dnsSans: ['kubernetes'] }) });
  const otherCa = makeCa();
  foreignApi = await startLocalApiServer({ ca: otherCa, serverCert: issueCert(otherCa, { cn: 'kube-apiserver', server: true, ipSans: ['127.0.0.1'] }) });
  wrongSanApi = await startLocalApiServer({ ca, serverCert: issueCert(ca, { cn: 'kube-apiserver', server: true, ipSans: ['10.0.0.11'] }) });
}, 60_000);

afterAll(async () => {
  await Promise.all([api?.close(), foreignApi?.close(), wrongSanApi?.close()]);
});

describe('readClusterStatus against a local HTTPS API server (unit-level integration, real TLS)', () => {
  it('reads nodes, kube-system pods and the version with the admin client certificate', async () => {
    const status = await readClusterStatus({ clusterName: 'lab', kubeconfig: kubeconfigFor(api.port) });
    expect(status).toMatchObject({ clusterName: 'lab', reachable: true, error: null, serverVersion: 'v1.34.1' });
    expect(Date.parse(status.checkedAt)).not.toBeNaN();
    expect(status.nodes).toEqual([
      { name: 'cp-1', ready: true, roles: ['control-plane'], kubeletVersion: 'v1.34.1', internalIp: '10.0.0.11', message: null },
      {
        name: 'worker-1',
        ready: false,
        roles: [],
        kubeletVersion: 'v1.34.1',
        internalIp: '10.0.0.21',
        message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
      },
    ]);
    expect(status.systemPods).toEqual([
      { name: 'coredns-66bc5c9577-7xk2p', phase: 'Pending', ready: false, restarts: 0, nodeName: null },
      { name: 'etcd-cp-1', phase: 'Running', ready: true, restarts: 0, nodeName: 'cp-1' },
      { name: 'kube-apiserver-cp-1', phase: 'Running', ready: true, restarts: 1, nodeName: 'cp-1' },
      { name: 'kube-proxy-9bq4d', phase: 'CrashLoopBackOff', ready: false, restarts: 4, nodeName: 'worker-1' },
    ]);
    const seen = api.requests.slice(-3);
    expect(seen.map((r) => r.path).sort()).toEqual(['/api/v1/namespaces/kube-system/pods', '/api/v1/nodes', '/version']);
    expect(seen.every((r) => r.clientCn === 'kubernetes-admin')).toBe(true);
  });

  it('says the connection was refused when nothing listens on the endpoint', async () => {
    const port = await closedPort();
    const status = await readClusterStatus({ clusterName: 'lab', kubeconfig: kubeconfigFor(port) });
    expect(status.reachable).toBe(false);
    expect(status.error).toBe(
      `The API server at https://127.0.0.1:${port} refused the connection: is the control plane up? Check that kube-apiserver runs on the control-plane node (sudo crictl ps --name kube-apiserver) and that the endpoint's port is right.`,
    );
    expect(status.nodes).toEqual([]);
  });

  it('does not trust a server whose certificate another CA signed', async () => {
    const before = foreignApi.requests.length;
    const status = await readClusterStatus({ clusterName: 'lab', kubeconfig: kubeconfigFor(foreignApi.port) });
    expect(status.reachable).toBe(false);
    expect(status.error).toMatch(/^The server at https:\/\/127\.0\.0\.1:\d+ presented a certificate not signed by this cluster's CA \(\w+\)/);
    // Nothing was sent to the untrusted server: the handshake stopped first.
    expect(foreignApi.requests.length).toBe(before);
  });

  it('explains a certificate that does not cover the endpoint address', async () => {
    const status = await readClusterStatus({ clusterName: 'lab', kubeconfig: kubeconfigFor(wrongSanApi.port) });
    expect(status.reachable).toBe(false);
    expect(status.error).toMatch(/^The API server's certificate does not list 127\.0\.0\.1, the address in the cluster's endpoint/);
  });

  it('reports rejected credentials (401) when the client certificate is from an earlier build', async () => {
    const oldCa = makeCa();
    const status = await readClusterStatus({ clusterName: 'lab', kubeconfig: kubeconfigFor(api.port, issueAdminCert(oldCa)) });
    expect(status.reachable).toBe(false);
    expect(status.error).toMatch(/^The API server at https:\/\/127\.0\.0\.1:\d+ rejected Rackpilot's credentials \(401 Unauthorized\)/);
    expect(api.requests.at(-1)?.clientCn).toBeNull();
  });

  it('passes on what an unhealthy API server says (503)', async () => {
    api.answer('/api/v1/nodes', 503, apiStatus(503, 'ServiceUnavailable', 'etcd cluster is unavailable or misconfigured'));
    try {
      const status = await readClusterStatus({ clusterName: 'lab', kubeconfig: kubeconfigFor(api.port) });
      expect(status.reachable).toBe(false);
      expect(status.error).toContain('answered HTTP 503 ("etcd cluster is unavailable or misconfigured"): it is up but not ready');
    } finally {
      api.answer('/api/v1/nodes', 200, (await import('./fixtures/api-objects')).NODE_LIST);
    }
  });

  it('gives up after timeoutMs on a server that never answers, and throws only for the caller cancelling', async () => {
    const silent = await silentPort();
    try {
      const status = await readClusterStatus({ clusterName: 'lab', kubeconfig: kubeconfigFor(silent.port), timeoutMs: 500 });
      expect(status.reachable).toBe(false);
      expect(status.error).toMatch(/^The API server at https:\/\/127\.0\.0\.1:\d+ did not answer within 0\.5 s/);

      const controller = new AbortController();
      const reading = readClusterStatus({ clusterName: 'lab', kubeconfig: kubeconfigFor(silent.port), signal: controller.signal, timeoutMs: 60_000 });
      setTimeout(() => controller.abort(), 200);
      await expect(reading).rejects.toMatchObject({ code: 'E_CANCELLED' });
    } finally {
      await silent.close();
    }
  });

  it('never runs an exec credential plugin from the kubeconfig', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rackpilot-exec-'));
    const marker = join(dir, 'ran');
    try {
      const kubeconfig = [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: lab, cluster: {server: "https://127.0.0.1:${api.port}", certificate-authority-data: ${Buffer.from(ca.certPem).toString('base64')}}}]`,
        `users: [{name: lab-admin, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: sh, args: ["-c", "touch ${marker}"]}}}]`,
        'contexts: [{name: lab, context: {cluster: lab, user: lab-admin}}]',
        'current-context: lab',
      ].join('\n');
      const status = await readClusterStatus({ clusterName: 'lab', kubeconfig });
      expect(status.reachable).toBe(false);
      expect(status.error).toContain('authenticates through a command or auth provider, which Rackpilot does not run');
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
