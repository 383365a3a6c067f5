/**
 * Checks against the stand-in rack (stand-in kubeadm): real OpenSSH nodes in their own network
 * namespaces where systemctl, kubeadm, kubectl and the kubelet are stand-ins, because systemd
 * does not run here and Kubernetes cannot be obtained. The systemd check runs the stand-in
 * systemctl over SSH; the kube checks ask the stand-in API server (a real HTTPS server with
 * client-certificate auth, built by `kubeadm init`/`join` over SSH) with @kubernetes/client-node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../../../shared/domain/cluster-record';
import { createLogger } from '../../log';
import { clusterKubeconfig } from '../../kube/kubeconfig/cluster-kubeconfig';
import { sshRemote, type Remote } from '../../kube/remote';
import { readClusterStatus } from '../../kube/status';
import { buildStandInCluster, kubectlApply, type StandInCluster } from '../../kube/teardown/stand-in-cluster.fixture';
import { createSshService, type SshService } from '../../ssh/ssh-service';
import { requireStandInRack, startStandInRack, type StandInRack } from '../../testing/kube-rack';
import { tempDir } from '../../testing/temp-app';
import type { CheckDeps, CheckTarget } from './check-deps';
import { expectError, expectFail, expectPass, inventoryNode, labCheck } from './checks.fixture';
import { runCheck } from './run-check';

const skip = requireStandInRack();
const NODES = ['lc-cp1', 'lc-w1'];
const CLUSTER = 'lab';

describe.skipIf(skip)('systemd and kube checks (stand-in kubeadm)', () => {
  let rack: StandInRack;
  let ssh: SshService;
  let remote: Remote;
  let cluster: StandInCluster;
  let kubeconfig: string;
  let target: CheckTarget;
  /** What the app's ClustersService.kubeconfig does for a cluster it has no kubeconfig for. */
  const deps = (): CheckDeps => ({
    ssh,
    docker: () => Promise.reject(new Error('no Docker here')),
    clusterStatus: async (name, signal) => {
      const kc = deps().kubeconfig(name);
      return { ...(await readClusterStatus({ clusterName: name, kubeconfig: kc, ...(signal ? { signal } : {}) })), certificates: null } satisfies ClusterStatus;
    },
    kubeconfig: (name) => {
      if (name === CLUSTER) return kubeconfig;
      // A cluster whose API server is down: its endpoint is a closed port on the rack node.
      if (name === 'down') return kubeconfig.replace(/server: https:\/\/[^\s]+/, `server: https://${rack.node('lc-cp1').address}:6444`);
      throw new Error(`Cluster ${name} has no kubeconfig yet: it is fetched when the bootstrap reaches its Kubeconfig phase. Bootstrap the cluster first.`);
    },
  });
  const check = (fields: Record<string, unknown>) => runCheck(labCheck(fields), target, deps());

  beforeAll(async () => {
    rack = await startStandInRack({ tag: 'l8ck', nodes: NODES.map((name) => ({ name })) });
    ssh = createSshService({ dataDir: tempDir(), log: createLogger('error'), readyTimeoutMs: 10_000 });
    rack.authorize(ssh.publicKey!.authorizedKey);
    remote = sshRemote(ssh);
    const n = rack.node('lc-cp1');
    target = { nodes: { cp: inventoryNode({ id: 'lc-cp1', address: n.address, port: n.port, user: rack.user, hostKeys: [n.hostKey] }) }, reachedAt: null, bootIds: {} };
  }, 120_000);

  afterAll(async () => {
    await ssh?.close();
    await rack?.stop();
  }, 60_000);

  it('systemd (stand-in systemctl): active and enabled units pass; a stopped or disabled one fails', async () => {
    const r = await check({ kind: 'systemd', node: 'cp', unit: 'containerd.service', enabled: true });
    expectPass(r, /^containerd\.service is active, enabled at boot\.$/);
    expect(r.ran).toBe('systemctl is-active / is-enabled containerd.service on lc-cp1');
    // The learner stops and disables it, as they would on a real node.
    const stop = await ssh.run({ nodeId: 'lc-cp1', name: 'lc-cp1', address: target.nodes.cp!.address, port: target.nodes.cp!.sshPort, user: rack.user, hostKeys: target.nodes.cp!.hostKeys }, 'systemctl disable --now containerd', { sudo: true });
    expect(stop.exitCode, stop.stderr).toBe(0);
    expectFail(await check({ kind: 'systemd', node: 'cp', unit: 'containerd.service', enabled: true }), /^containerd\.service is inactive, disabled at boot: it should be active, it should be enabled \(start at boot\)\.$/);
    expectPass(await check({ kind: 'systemd', node: 'cp', unit: 'containerd.service', active: false, enabled: false }));
    expectFail(await check({ kind: 'systemd', node: 'cp', unit: 'nginx.service', enabled: true }), /^nginx\.service is inactive, not installed at boot: it should be active/);
    await ssh.run({ nodeId: 'lc-cp1', name: 'lc-cp1', address: target.nodes.cp!.address, port: target.nodes.cp!.sshPort, user: rack.user, hostKeys: target.nodes.cp!.hostKeys }, 'systemctl enable --now containerd', { sudo: true });
    expectPass(await check({ kind: 'systemd', node: 'cp', unit: 'containerd.service' }), /^containerd\.service is active\.$/);
  }, 60_000);

  it('kube-nodes-ready and kube-deployment-available against a cluster built with kubeadm over SSH', async () => {
    cluster = await buildStandInCluster(remote, rack, CLUSTER, NODES);
    const admin = (await remote.readFile(cluster.nodes[0]!, '/etc/kubernetes/admin.conf')).toString('utf8');
    kubeconfig = clusterKubeconfig(admin, { clusterName: CLUSTER, endpoint: cluster.rendered.endpoint }).yaml;

    // The worker becomes Ready once the pod network runs there: check like a learner re-checking.
    let ready = await check({ kind: 'kube-nodes-ready', cluster: CLUSTER });
    for (let i = 0; i < 60 && ready.status !== 'pass'; i++) {
      expectFail(ready, /^\d of 2 nodes Ready \(wanted: all\)\./);
      await new Promise((r) => setTimeout(r, 1000));
      ready = await check({ kind: 'kube-nodes-ready', cluster: CLUSTER });
    }
    expectPass(ready, /^2 of 2 nodes Ready \(wanted: all\)\.\nReady: lc-cp1, lc-w1\.$/);
    expect(ready.ran).toBe(`ask the API server of cluster ${CLUSTER} for its nodes`);
    expectFail(await check({ kind: 'kube-nodes-ready', cluster: CLUSTER, count: 3 }), /^2 of 2 nodes Ready \(wanted: at least 3\)\./);

    await kubectlApply(
      remote,
      cluster.nodes[0]!,
      [
        deployment('web', 2, {}),
        '---',
        // Nothing carries this label: its pod stays Pending, as kube-scheduler would leave it.
        deployment('nowhere', 1, { disktype: 'ssd' }),
      ].join('\n'),
    );
    let web = await check({ kind: 'kube-deployment-available', cluster: CLUSTER, name: 'web', minAvailable: 2 });
    for (let i = 0; i < 60 && web.status !== 'pass'; i++) {
      expect(web.status).toBe('fail');
      await new Promise((r) => setTimeout(r, 1000));
      web = await check({ kind: 'kube-deployment-available', cluster: CLUSTER, name: 'web', minAvailable: 2 });
    }
    expectPass(web, /^Deployment default\/web: 2 of 2 replicas available \(wanted at least 2\)\.$/);
    expect(web.ran).toBe(`ask the API server of cluster ${CLUSTER} for Deployment default/web`);
    expectFail(
      await check({ kind: 'kube-deployment-available', cluster: CLUSTER, name: 'nowhere' }),
      /^Deployment default\/nowhere: 0 of 1 replicas available \(wanted at least 1\)\.\nAvailable=False \(MinimumReplicasUnavailable\): Deployment does not have minimum availability\.$/,
    );
    expectFail(await check({ kind: 'kube-deployment-available', cluster: CLUSTER, name: 'web', namespace: 'shop' }), /^There is no Deployment web in namespace shop\.$/);
  }, 300_000);

  it('a cluster that cannot be asked, or that Rackpilot has no kubeconfig for, is an error', async () => {
    const server = `https://${rack.node('lc-cp1').address}:6444`;
    expectError(await check({ kind: 'kube-nodes-ready', cluster: 'down' }), new RegExp(`The API server at ${server.replace(/\./g, '\\.')} refused the connection`), /Make sure the control plane of down is up/);
    expectError(await check({ kind: 'kube-deployment-available', cluster: 'down', name: 'web' }), /refused the connection/);
    expectError(await check({ kind: 'kube-deployment-available', cluster: 'other', name: 'web' }), /Cluster other has no kubeconfig yet/, /Bootstrap cluster other in Rackpilot/);
    expectError(await check({ kind: 'kube-nodes-ready', cluster: 'other' }), /Cluster other has no kubeconfig yet/);
  }, 60_000);
});

function deployment(name: string, replicas: number, nodeSelector: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { nodeSelector, containers: [{ name, image: 'nginx:1.27' }] } },
    },
  });
}
