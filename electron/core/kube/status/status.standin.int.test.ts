/**
 * Status and kubeconfig against the stand-in rack: real OpenSSH nodes in their own namespaces
 * where kubeadm, kubectl and the API server are stand-ins (Kubernetes cannot be obtained here).
 * The PKI the stand-in kubeadm makes is real (openssl), its API server is a real HTTPS server
 * with client-certificate auth in the node's network namespace, and the status is read from this
 * machine over the rack network with @kubernetes/client-node, as the app does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requireStandInRack, startStandInRack, type StandInRack } from '../../testing/kube-rack';
import { createTempApp, type TempApp } from '../../testing/temp-app';
import { clusterKubeconfig, mergeKubeconfig } from '../kubeconfig';
import { sshRemote, type Remote } from '../remote';
import { buildStandInCluster, type StandInCluster } from '../teardown/stand-in-cluster.fixture';
import { readCertificates, readClusterStatus } from './index';

const skip = requireStandInRack();
const NODES = ['st-cp1', 'st-w1'];
const ADMIN_CONF = '/etc/kubernetes/admin.conf';

describe.skipIf(skip)('cluster status and kubeconfig (stand-in kubeadm)', () => {
  let rack: StandInRack;
  let t: TempApp;
  let remote: Remote;
  let cluster: StandInCluster;
  let kubeconfig: string;
  let dir: string;

  beforeAll(async () => {
    rack = await startStandInRack({ tag: 'h3st', nodes: NODES.map((name) => ({ name })) });
    t = createTempApp();
    rack.authorize(t.app.services.ssh.publicKey!.authorizedKey);
    remote = sshRemote(t.app.services.ssh);
    cluster = await buildStandInCluster(remote, rack, 'lab', NODES);
    dir = mkdtempSync(join(tmpdir(), 'rackpilot-h3-kube-'));
  }, 240_000);

  afterAll(async () => {
    await t?.close();
    await rack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const init = () => cluster.nodes[0]!;

  it('turns the admin.conf kubeadm wrote into the cluster kubeconfig and reads nodes and kube-system pods with it', async () => {
    const admin = (await remote.readFile(init(), ADMIN_CONF)).toString('utf8');
    expect(parse(admin).users[0].name).toBe('kubernetes-admin');
    kubeconfig = clusterKubeconfig(admin, { clusterName: 'lab', endpoint: cluster.rendered.endpoint }).yaml;
    expect(parse(kubeconfig).clusters[0].cluster.server).toBe(`https://${rack.node('st-cp1').address}:6443`);

    // The worker becomes Ready once the pod network runs there, as on a real cluster: poll like a person refreshing.
    let status = await readClusterStatus({ clusterName: 'lab', kubeconfig });
    for (let i = 0; i < 60 && status.reachable && !(status.nodes.length === 2 && status.nodes.every((n) => n.ready)); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      status = await readClusterStatus({ clusterName: 'lab', kubeconfig });
    }
    expect(status.error).toBeNull();
    expect(status.reachable).toBe(true);
    expect(status.serverVersion).toMatch(/^v1\.\d+\.\d+$/);
    const byName = Object.fromEntries(status.nodes.map((n) => [n.name, n]));
    expect(Object.keys(byName).sort()).toEqual(NODES);
    expect(byName['st-cp1']).toMatchObject({ ready: true, roles: ['control-plane'], internalIp: rack.node('st-cp1').address, message: null });
    expect(byName['st-w1']).toMatchObject({ ready: true, roles: [], internalIp: rack.node('st-w1').address });
    expect(byName['st-cp1']?.kubeletVersion).toBe(status.serverVersion);

    const pods = status.systemPods.map((p) => p.name);
    expect(pods).toEqual(expect.arrayContaining(['etcd-st-cp1', 'kube-apiserver-st-cp1', 'kube-controller-manager-st-cp1', 'kube-scheduler-st-cp1']));
    expect(status.systemPods.find((p) => p.name === 'kube-apiserver-st-cp1')).toMatchObject({ nodeName: 'st-cp1', ready: true });
    expect(status.systemPods.filter((p) => p.name.startsWith('coredns-')).every((p) => p.phase === 'Running')).toBe(true);

    // The same objects kubectl on the node sees through the node's own admin.conf.
    const onNode = await remote.run(init(), `kubectl --kubeconfig ${ADMIN_CONF} get pods -n kube-system -o json`);
    expect(onNode.exitCode).toBe(0);
    const kubectlPods = (JSON.parse(onNode.stdout) as { items: { metadata: { name: string } }[] }).items.map((p) => p.metadata.name);
    expect([...pods].sort()).toEqual([...kubectlPods].sort());
  }, 120_000);

  it('merges beside another context into a file that kubectl on the node reads', async () => {
    const path = join(dir, 'config');
    // The other cluster's server is on the node's loopback: nothing leaves the rack.
    writeFileSync(path, 'apiVersion: v1\nkind: Config\nclusters:\n- name: home\n  cluster: {server: "https://127.0.0.1:1"}\nusers:\n- name: home\n  user: {token: abc}\ncontexts:\n- name: home\n  context: {cluster: home, user: home}\ncurrent-context: home\n');
    const result = mergeKubeconfig({ path, incoming: kubeconfig, contextName: 'lab' });
    expect(result.replaced).toBe(false);
    const merged = readFileSync(path, 'utf8');
    expect(parse(merged)['current-context']).toBe('home');

    // kubectl keeps using the user's current context…
    await remote.writeFile(init(), '/root/rackpilot-test/merged-config', merged, { mode: '600' });
    const home = await remote.run(init(), 'kubectl --kubeconfig /root/rackpilot-test/merged-config get nodes -o json');
    expect(home.exitCode).toBe(1);
    expect(home.stderr).toContain('The connection to the server 127.0.0.1:1 was refused');
    // …and reaches the cluster once the user switches to its context (what `kubectl config use-context lab` writes).
    const switched = merged.replace(/^current-context: home$/m, 'current-context: lab');
    await remote.writeFile(init(), '/root/rackpilot-test/merged-config', switched, { mode: '600' });
    const lab = await remote.run(init(), 'kubectl --kubeconfig /root/rackpilot-test/merged-config get nodes -o json');
    expect(lab.exitCode, lab.stderr).toBe(0);
    expect((JSON.parse(lab.stdout) as { items: { metadata: { name: string } }[] }).items.map((n) => n.metadata.name).sort()).toEqual(NODES);
  }, 60_000);

  it('reads certificate expiry from kubeadm certs check-expiration, matching the certificates on disk', async () => {
    const certs = await readCertificates(remote, init());
    expect(certs).not.toBeNull();
    const names = certs!.certs.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['admin.conf', 'apiserver', 'apiserver-kubelet-client', 'front-proxy-client', 'ca', 'front-proxy-ca']));
    // openssl's view of the real apiserver certificate kubeadm made: the same minute.
    const enddate = rack.node('st-cp1').exec('openssl x509 -enddate -noout -in /etc/kubernetes/pki/apiserver.crt').stdout.trim().replace(/^notAfter=/, '');
    const onDisk = new Date(enddate);
    onDisk.setUTCSeconds(0, 0);
    expect(certs!.certs.find((c) => c.name === 'apiserver')?.expires).toBe(onDisk.toISOString());
    const days = certs!.certs.find((c) => c.name === 'apiserver')!.residualDays;
    expect(days).toBeGreaterThanOrEqual(363);
    expect(days).toBeLessThanOrEqual(365);
    expect(Date.parse(certs!.earliestExpiry ?? '')).toBeLessThanOrEqual(onDisk.getTime());
  }, 60_000);

  it('after a rebuild the old kubeconfig is not trusted, the merge refuses the old context, and a reset cluster is unreachable', async () => {
    const cp = init();
    const reset = await remote.run(cp, 'kubeadm reset -f', { timeoutMs: 120_000 });
    expect(reset.exitCode, reset.stderr).toBe(0);
    const down = await readClusterStatus({ clusterName: 'lab', kubeconfig });
    expect(down.reachable).toBe(false);
    expect(down.error).toBe(
      `The API server at https://${cp.address}:6443 refused the connection: is the control plane up? Check that kube-apiserver runs on the control-plane node (sudo crictl ps --name kube-apiserver) and that the endpoint's port is right.`,
    );

    const again = await remote.run(cp, 'kubeadm init --config /root/rackpilot-test/kubeadm-init.yaml --upload-certs', { timeoutMs: 180_000 });
    expect(again.exitCode, again.stderr).toBe(0);
    const stale = await readClusterStatus({ clusterName: 'lab', kubeconfig });
    expect(stale.reachable).toBe(false);
    expect(stale.error).toMatch(new RegExp(`^The server at https://${cp.address.replace(/\./g, '\\.')}:6443 presented a certificate not signed by this cluster's CA`));

    const fresh = clusterKubeconfig((await remote.readFile(cp, ADMIN_CONF)).toString('utf8'), { clusterName: 'lab', endpoint: cluster.rendered.endpoint }).yaml;
    expect((await readClusterStatus({ clusterName: 'lab', kubeconfig: fresh })).reachable).toBe(true);
    const path = join(dir, 'config');
    const before = readFileSync(path, 'utf8');
    expect(() => mergeKubeconfig({ path, incoming: fresh, contextName: 'lab' })).toThrow(/already has a context named "lab" that belongs to a different cluster/);
    expect(readFileSync(path, 'utf8')).toBe(before);

    await remote.run(cp, 'kubeadm reset -f', { timeoutMs: 120_000 });
    expect(await readCertificates(remote, cp)).toBeNull();
  }, 300_000);
});
