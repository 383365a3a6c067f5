/**
 * The stand-in kubeadm, kubectl and API server on the stand-in rack: real sshd nodes (network,
 * mount and UTS namespaces), real PKI made with openssl, a real HTTPS API server reached from the
 * host with @kubernetes/client-node, real iptables chains, links and mounts left on the nodes.
 * What they print must read with the repo's own parsers and diagnose(), as real kubeadm's does.
 * Root only (skipped locally without it, fails under CI).
 */
import { createHash, X509Certificate } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterSpecSchema, type ClusterSpecInput } from '../../../shared/domain/cluster';
import { diagnose } from '../kube/diagnose/diagnose';
import { retryPolicy } from '../kube/diagnose/retry-policy';
import { parseCertExpiration } from '../kube/output/cert-expiration';
import { parseJoinCommands, parseUploadCertsKey } from '../kube/output/join-command';
import { parsePreflightErrors } from '../kube/output/preflight';
import { renderCluster, type RenderedCluster } from '../kube/render/render-cluster';
import { rackSsh, type RackSshResult } from './kube-rack-ssh';
import { requireStandInRack, startStandInRack, type StandInNode, type StandInRack } from './kube-rack';

const skip = requireStandInRack();

type Result = RackSshResult;

const DIR = '/etc/kubernetes/rackpilot';
const KUBECTL = 'sudo -n kubectl --kubeconfig /etc/kubernetes/admin.conf';
const codes = (r: { code: string }[]) => r.map((d) => d.code);

describe.skipIf(skip)('kubeadm, kubectl and the API server (stand-in kubeadm)', () => {
  let rack: StandInRack;
  let cp: StandInNode;
  let w1: StandInNode;
  let w2: StandInNode;
  let sw: StandInNode;
  let cluster: RenderedCluster;
  let caHash: string;
  let adminConf: string;

  /** Runs one command over SSH as the rack's sudo user, checking the node's host key. */
  const sh = (node: StandInNode, cmd: string): Promise<Result> => rackSsh(rack, node, cmd);

  const writeFile = (node: StandInNode, path: string, text: string) =>
    sh(node, `sudo -n mkdir -p ${DIR} && echo ${Buffer.from(text).toString('base64')} | base64 -d | sudo -n tee ${path} >/dev/null && sudo -n chmod 600 ${path}`);

  const install = async (node: StandInNode) => {
    const r = await sh(node, [
      'set -e',
      'curl -fsSL https://pkgs.k8s.io/core:/stable:/v1.34/deb/Release.key | sudo -n gpg --dearmor -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg',
      "echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.34/deb/ /' | sudo -n tee /etc/apt/sources.list.d/kubernetes.list >/dev/null",
      'sudo -n apt-get update -q >/dev/null',
      'sudo -n apt-get install -y kubelet kubeadm kubectl >/dev/null',
    ].join('\n'));
    expect(r.code, r.stderr).toBe(0);
  };

  const render = (input: Partial<ClusterSpecInput>, nodes: StandInNode[], workers: StandInNode[]) =>
    renderCluster(
      clusterSpecSchema.parse({ name: 'standin', controlPlane: [nodes[0]?.name], workers: workers.map((w) => w.name), ...input }),
      [...nodes, ...workers].map((n) => ({ id: n.name, name: n.name, address: n.address })),
      { kubernetesPatch: 1 },
    );

  const pin = (pem: string) => `sha256:${createHash('sha256').update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })).digest('hex')}`;

  const core = () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(adminConf);
    return kc.makeApiClient(k8s.CoreV1Api);
  };

  async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await fn();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  beforeAll(async () => {
    rack = await startStandInRack({ tag: 'kstd', nodes: [{ name: 'cp1' }, { name: 'w1' }, { name: 'w2' }, { name: 'sw1', swap: true }] });
    cp = rack.node('cp1');
    w1 = rack.node('w1');
    w2 = rack.node('w2');
    sw = rack.node('sw1');
    await Promise.all(rack.nodes.map(install));
    cluster = render({}, [cp], [w1, w2]);
  }, 120_000);

  afterAll(async () => {
    await rack?.stop();
  });

  it('stand-in kubeadm init builds a real PKI and prints the success text the join-command parser reads', async () => {
    expect((await writeFile(cp, `${DIR}/kubeadm-init.yaml`, cluster.initConfig)).code).toBe(0);
    expect(await sh(cp, `sudo -n kubeadm config validate --config ${DIR}/kubeadm-init.yaml`)).toMatchObject({ code: 0, stdout: 'ok\n' });
    const init = await sh(cp, `sudo -n kubeadm init --config ${DIR}/kubeadm-init.yaml --upload-certs`);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/^Your Kubernetes control-plane has initialized successfully!$/m);

    const ca = (await sh(cp, 'sudo -n cat /etc/kubernetes/pki/ca.crt')).stdout;
    caHash = pin(ca);
    const [cpJoin, workerJoin, ...rest] = parseJoinCommands(init.stdout);
    expect(rest).toEqual([]);
    expect(cpJoin).toMatchObject({ endpoint: `${cp.address}:6443`, controlPlane: true, caCertHashes: [caHash] });
    expect(workerJoin).toMatchObject({ endpoint: `${cp.address}:6443`, controlPlane: false, caCertHashes: [caHash], token: cpJoin?.token });
    expect(cpJoin?.certificateKey).toBe(parseUploadCertsKey(init.stdout));

    // The serving certificate is a real one: signed by the CA, valid for the node's address.
    const apiserver = new X509Certificate((await sh(cp, 'sudo -n cat /etc/kubernetes/pki/apiserver.crt')).stdout);
    expect(apiserver.verify(new X509Certificate(ca).publicKey)).toBe(true);
    expect(apiserver.subjectAltName).toContain(`IP Address:${cp.address}`);
    expect((await sh(cp, 'sudo -n openssl verify -CAfile /etc/kubernetes/pki/ca.crt /etc/kubernetes/pki/apiserver.crt')).stdout).toMatch(/: OK$/m);
    expect(rack.calls({ node: 'cp1', tool: 'kubeadm' }).map((c) => [c.args[0], c.exitCode])).toEqual([['config', 0], ['init', 0]]);
  }, 60_000);

  it('the stand-in API server answers @kubernetes/client-node over verified TLS, with nodes NotReady until a CNI runs', async () => {
    adminConf = (await sh(cp, 'sudo -n cat /etc/kubernetes/admin.conf')).stdout;
    expect(adminConf).toContain(`server: https://${cp.address}:6443`);
    const api = core();
    const nodes = await api.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(['cp1']);
    const ready = nodes.items[0]?.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    expect(ready?.message).toContain('cni plugin not initialized');
    const pods = await api.listNamespacedPod({ namespace: 'kube-system' });
    const names = pods.items.map((p) => p.metadata?.name ?? '');
    expect(names).toEqual(expect.arrayContaining(['etcd-cp1', 'kube-apiserver-cp1', 'kube-controller-manager-cp1', 'kube-scheduler-cp1']));
    expect(pods.items.filter((p) => p.metadata?.labels?.['k8s-app'] === 'kube-dns').map((p) => p.status?.phase)).toEqual(['Pending', 'Pending']);
    const secrets = await api.listSecretForAllNamespaces();
    expect(secrets.items.map((s) => s.metadata?.name)).toContain('kubeadm-certs');
    expect((await api.listPersistentVolume()).items).toEqual([]);

    // Anonymous callers get what kubeadm's RBAC gives them, and nothing else.
    const anonymous = new k8s.KubeConfig();
    anonymous.loadFromOptions({ clusters: [{ name: 'c', server: `https://${cp.address}:6443`, caData: Buffer.from((await sh(cp, 'cat /etc/kubernetes/pki/ca.crt')).stdout).toString('base64') }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    const refused = await anonymous.makeApiClient(k8s.CoreV1Api).listNode().then(() => null, (e: unknown) => e as { code?: number; body?: unknown });
    expect(refused?.code).toBe(403);
    expect(JSON.parse(String(refused?.body))).toMatchObject({ reason: 'Forbidden', message: 'nodes is forbidden: User "system:anonymous" cannot list resource "nodes" in API group "" at the cluster scope' });
    expect((await anonymous.makeApiClient(k8s.CoreV1Api).readNamespacedConfigMap({ name: 'cluster-info', namespace: 'kube-public' })).data?.kubeconfig).toContain(`https://${cp.address}:6443`);

    // kubectl as the login user with the copy kubeadm tells people to make; the NotReady table reads as a CNI problem.
    const copy = await sh(cp, 'mkdir -p $HOME/.kube && sudo -n cp -i /etc/kubernetes/admin.conf $HOME/.kube/config && sudo -n chown $(id -u):$(id -g) $HOME/.kube/config && kubectl get nodes');
    expect(copy.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\ncp1\s+NotReady\s+control-plane\s+\S+\s+v1\.34\.1\n$/);
    const denied = await sh(cp, 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes');
    expect(denied).toMatchObject({ code: 1, stderr: 'error: error loading config file "/etc/kubernetes/admin.conf": open /etc/kubernetes/admin.conf: permission denied\n' });
    expect(await sh(cp, `${KUBECTL} get --raw /readyz`)).toMatchObject({ code: 0, stdout: 'ok' });
    const status = `${copy.stdout}Conditions:\n  Ready  False  KubeletNotReady  ${ready?.message}`;
    expect(codes(diagnose({ step: 'ready', exitCode: 1, output: status }))).toEqual(['cni-not-ready']);
  }, 60_000);

  it('a worker joins with a fresh token and the flannel manifest renderCluster made brings every node Ready and CoreDNS Running', async () => {
    const token = (await sh(cp, 'sudo -n kubeadm token create --ttl 30m')).stdout.trim();
    expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    await writeFile(w1, `${DIR}/kubeadm-join.yaml`, cluster.joinConfig('w1', { token, caCertHashes: [caHash] }));
    const join = await sh(w1, `sudo -n kubeadm join --config ${DIR}/kubeadm-join.yaml`);
    expect(join.code, join.stderr).toBe(0);
    expect(join.stdout).toContain('This node has joined the cluster:');

    await writeFile(cp, `${DIR}/cni.yaml`, cluster.cni.manifest);
    const apply = await sh(cp, `${KUBECTL} apply -f ${DIR}/cni.yaml`);
    expect(apply.stdout.split('\n')).toEqual(expect.arrayContaining(['namespace/kube-flannel created', 'configmap/kube-flannel-cfg created', 'daemonset.apps/kube-flannel-ds created']));
    const waited = await sh(cp, `${KUBECTL} wait --for=condition=Ready node --all --timeout=60s`);
    expect(waited.stdout.trim().split('\n').sort()).toEqual(['node/cp1 condition met', 'node/w1 condition met']);
    const api = core();
    await until('CoreDNS Running', async () => {
      const dns = (await api.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' })).items;
      return dns.length === 2 && dns.every((p) => p.status?.phase === 'Running');
    });
    const listed = JSON.parse((await sh(cp, `${KUBECTL} get nodes -o json`)).stdout) as { kind: string; items: { kind: string; metadata: { name: string }; spec: { podCIDR: string } }[] };
    expect(listed.kind).toBe('List');
    expect(listed.items.map((n) => [n.kind, n.metadata.name, n.spec.podCIDR])).toEqual([['Node', 'cp1', '10.244.0.0/24'], ['Node', 'w1', '10.244.1.0/24']]);
    const flannel = (await api.listNamespacedPod({ namespace: 'kube-flannel' })).items;
    expect(flannel.map((p) => p.spec?.nodeName).sort()).toEqual(['cp1', 'w1']);
    // flannel left what it leaves on a real node.
    const traces = await sh(w1, 'test -f /etc/cni/net.d/10-flannel.conflist && ip -br link show flannel.1 && sudo -n iptables -S FLANNEL-FWD && sudo -n iptables -t nat -S KUBE-POSTROUTING');
    expect(traces.code, traces.stderr).toBe(0);
    expect(traces.stdout).toMatch(/^flannel\.1\s/m);
  }, 90_000);

  it('a flannel Network that does not contain the pod CIDR crash-loops flannel with its real log line, which diagnose() explains', async () => {
    const wrong = render({ podCidr: '10.200.0.0/16' }, [cp], [w1, w2]);
    await writeFile(cp, `${DIR}/cni-wrong.yaml`, wrong.cni.manifest);
    expect((await sh(cp, `${KUBECTL} apply -f ${DIR}/cni-wrong.yaml`)).stdout).toContain('configmap/kube-flannel-cfg configured');
    // A running flanneld keeps the config it started with; the restarted ones read the new one.
    expect((await sh(cp, `${KUBECTL} -n kube-flannel delete pod -l app=flannel`)).stdout).toMatch(/^pod "kube-flannel-ds-\w+" deleted from kube-flannel namespace$/m);
    const crashing = await until('flannel CrashLoopBackOff', async () => {
      const r = await sh(cp, `${KUBECTL} -n kube-flannel get pods -o wide`);
      return /CrashLoopBackOff/.test(r.stdout) && r.stdout;
    });
    expect(crashing).toMatch(/^kube-flannel-ds-\w+\s+0\/1\s+CrashLoopBackOff\s+\d+/m);
    const logs = await sh(cp, `${KUBECTL} -n kube-flannel logs -l app=flannel --tail=50 --all-containers`);
    expect(logs.stdout).toMatch(/Error registering network: failed to acquire lease: subnet "10\.200\.0\.0\/16" specified in the flannel net config doesn't contain "10\.244\.\d+\.0\/24" PodCIDR of the "(cp1|w1)" node/);
    expect(codes(diagnose({ step: 'cni', exitCode: 1, output: logs.stdout }))).toContain('pod-cidr-mismatch');

    // Back to the spec's manifest: flannel runs again once restarted.
    await sh(cp, `${KUBECTL} apply -f ${DIR}/cni.yaml && ${KUBECTL} -n kube-flannel delete pod -l app=flannel`);
    await until('flannel Running', async () => /^(kube-flannel-ds-\w+\s+1\/1\s+Running.*\n){2}$/m.test((await sh(cp, `${KUBECTL} -n kube-flannel get pods --no-headers`)).stdout));
  }, 90_000);

  it('joins with a bad CA hash or an expired token fail with kubeadm\'s texts, which diagnose() and retryPolicy() recognise', async () => {
    const token = (await sh(cp, 'sudo -n kubeadm token create')).stdout.trim();
    await writeFile(w2, `${DIR}/bad-hash.yaml`, cluster.joinConfig('w2', { token, caCertHashes: [`sha256:${'ab'.repeat(32)}`] }));
    const badHash = await sh(w2, `sudo -n kubeadm join --config ${DIR}/bad-hash.yaml`);
    expect(badHash.code).toBe(1);
    expect(badHash.stderr).toContain(`couldn't validate the identity of the API Server: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${caHash}" are pinned`);
    const hashDiagnosis = diagnose({ step: 'join', exitCode: 1, output: badHash.stdout + badHash.stderr });
    expect(codes(hashDiagnosis)).toEqual(['ca-cert-hash-mismatch']);
    expect(retryPolicy('join', 1, badHash.stdout + badHash.stderr).action).toBe('fail');

    const shortLived = (await sh(cp, 'sudo -n kubeadm token create --ttl 1s')).stdout.trim();
    await new Promise((r) => setTimeout(r, 2500));
    await writeFile(w2, `${DIR}/expired.yaml`, cluster.joinConfig('w2', { token: shortLived, caCertHashes: [caHash] }));
    const expired = await sh(w2, `sudo -n kubeadm join --config ${DIR}/expired.yaml`);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain(`token id "${shortLived.slice(0, 6)}" is invalid for this cluster or it has expired. Use "kubeadm token create" on the control-plane node to create a new valid token`);
    expect(codes(diagnose({ step: 'join', exitCode: 1, output: expired.stderr }))).toEqual(['join-token-invalid']);
    // The token cleaner removed it from the API too.
    expect((await sh(cp, 'sudo -n kubeadm token list')).stdout).not.toContain(shortLived);

    // The one-shot fault: the first join fails like an expired token, the next one goes through.
    rack.fault('w2', 'join-token-expired');
    await writeFile(w2, `${DIR}/kubeadm-join.yaml`, cluster.joinConfig('w2', { token, caCertHashes: [caHash] }));
    expect((await sh(w2, `sudo -n kubeadm join --config ${DIR}/kubeadm-join.yaml`)).stderr).toMatch(/token id "\w+" is invalid for this cluster or it has expired/);
    const second = await sh(w2, `sudo -n kubeadm join --config ${DIR}/kubeadm-join.yaml`);
    expect(second.code, second.stderr).toBe(0);
  }, 60_000);

  it('swap on: kubeadm only warns, the kubelet refuses to run, and diagnose() reads the journal', async () => {
    const swapCluster = render({ name: 'swap' }, [sw], []);
    await writeFile(sw, `${DIR}/kubeadm-init.yaml`, swapCluster.initConfig);
    const init = await sh(sw, `sudo -n kubeadm init --config ${DIR}/kubeadm-init.yaml --upload-certs`);
    expect(init.code).toBe(1);
    expect(parsePreflightErrors(init.stdout)).toEqual([expect.objectContaining({ kind: 'warning', check: 'Swap' })]);
    expect(init.stdout).toContain('[kubelet-check] The kubelet is not healthy after');
    const journal = (await sh(sw, 'sudo -n journalctl -u kubelet --no-pager -n 200')).stdout;
    expect(journal).toContain('running with swap on is not supported, please disable swap or set --fail-swap-on flag to false');
    expect(codes(diagnose({ step: 'init', exitCode: 1, output: init.stdout + init.stderr, kubeletJournal: journal }))).toEqual(['swap-enabled']);

    // Swap off, but containerd on cgroupfs while the kubelet is set to systemd.
    const mismatch = await sh(sw, `sudo -n swapoff -a && sudo -n sed -i 's/SystemdCgroup = true/SystemdCgroup = false/' /etc/containerd/config.toml && sudo -n kubeadm reset -f >/dev/null && sudo -n kubeadm init --config ${DIR}/kubeadm-init.yaml`);
    expect(mismatch.code).toBe(1);
    // The journal keeps the swap failure too; its last start is what this attempt did.
    const journal2 = (await sh(sw, 'sudo -n journalctl -u kubelet --no-pager -n 5')).stdout;
    expect(journal2).toContain('kubelet cgroup driver: \\"systemd\\" is different from containerd cgroup driver: \\"cgroupfs\\"');
    const found = diagnose({ step: 'init', exitCode: 1, output: mismatch.stdout + mismatch.stderr, kubeletJournal: journal2, cgroupDriver: 'systemd' });
    expect(codes(found)).toEqual(['cgroup-driver-mismatch']);
    expect((await sh(sw, "sudo -n sed -i 's/SystemdCgroup = false/SystemdCgroup = true/' /etc/containerd/config.toml && sudo -n kubeadm reset -f")).code).toBe(0);
  }, 90_000);

  it('a control-plane join needs the uploaded certificates and the right key, then serves the API itself', async () => {
    const upload = await sh(cp, 'sudo -n kubeadm init phase upload-certs --upload-certs');
    const key = parseUploadCertsKey(upload.stdout);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const token = (await sh(cp, 'sudo -n kubeadm token create')).stdout.trim();
    const join = (certificateKey: string) => `sudo -n kubeadm join ${cp.address}:6443 --token ${token} --discovery-token-ca-cert-hash ${caHash} --control-plane --certificate-key ${certificateKey} --apiserver-advertise-address ${sw.address}`;
    // The uploaded certificates are gone (what their two-hour token's expiry does).
    expect((await sh(cp, `${KUBECTL} -n kube-system delete secret kubeadm-certs`)).stdout).toBe('secret "kubeadm-certs" deleted from kube-system namespace\n');
    const gone = await sh(sw, join(key ?? ''));
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired.');
    expect(codes(diagnose({ step: 'join', exitCode: 1, output: gone.stderr }))).toEqual(['certificate-key-expired']);
    const key2 = parseUploadCertsKey((await sh(cp, 'sudo -n kubeadm init phase upload-certs --upload-certs')).stdout);
    const wrongKey = await sh(sw, join('0'.repeat(64)));
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('error downloading certs: error decoding secret data with provided key: cipher: message authentication failed');
    expect(codes(diagnose({ step: 'join', exitCode: 1, output: wrongKey.stderr }))).toEqual(['certificate-key-mismatch']);
    const joined = await sh(sw, `sudo -n kubeadm reset -f >/dev/null && ${join(key2 ?? '')}`);
    expect(joined.code, joined.stderr).toBe(0);
    expect(joined.stdout).toContain('This node has joined the cluster and a new control plane instance was created:');
    const viaSw = await until('the new control plane to serve', async () => {
      const r = await sh(sw, `${KUBECTL} --server https://${sw.address}:6443 get nodes -o name`);
      return r.code === 0 && r.stdout;
    });
    expect(viaSw.trim().split('\n').sort()).toEqual(['node/cp1', 'node/sw1', 'node/w1', 'node/w2']);
  }, 90_000);

  it('preflight on a node that already runs a control plane fails with kubeadm\'s errors', async () => {
    const user = await sh(cp, `kubeadm init --config ${DIR}/kubeadm-init.yaml`);
    expect(user.code).toBe(1);
    expect(parsePreflightErrors(user.stdout + user.stderr)).toEqual([{ kind: 'error', check: 'IsPrivilegedUser', message: 'user is not running as root' }]);
    const again = await sh(cp, `sudo -n kubeadm init --config ${DIR}/kubeadm-init.yaml --upload-certs`);
    expect(again.code).toBe(1);
    const checks = parsePreflightErrors(again.stdout + again.stderr).filter((f) => f.kind === 'error').map((f) => f.check);
    expect(checks).toEqual(expect.arrayContaining(['Port-6443', 'Port-10250', 'FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml', 'DirAvailable--var-lib-etcd']));
    expect(codes(diagnose({ step: 'init', exitCode: 1, output: again.stdout + again.stderr }))).toEqual(expect.arrayContaining(['port-in-use', 'leftover-cluster-state']));
    expect(retryPolicy('init', 1, again.stdout + again.stderr).action).toBe('fail');
  }, 30_000);

  it('drain, delete and reset of a worker: reset prints the real text and leaves CNI config, links and chains behind', async () => {
    const drain = await sh(cp, `${KUBECTL} drain w1 --ignore-daemonsets --delete-emptydir-data --force --timeout=60s`);
    expect(drain.code, drain.stderr).toBe(0);
    expect(drain.stdout).toMatch(/^node\/w1 cordoned\n[\s\S]*node\/w1 drained\n$/);
    expect(drain.stderr).toMatch(/^Warning: ignoring DaemonSet-managed Pods: kube-flannel\/kube-flannel-ds-\w+, kube-system\/kube-proxy-\w+$/m);
    expect((await sh(cp, `${KUBECTL} delete node w1`)).stdout).toBe('node "w1" deleted\n');
    const reset = await sh(w1, 'sudo -n kubeadm reset -f');
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('[reset] Deleting contents of directories: [/etc/kubernetes/manifests /var/lib/kubelet /etc/kubernetes/pki]');
    expect(reset.stdout).toContain('The reset process does not clean CNI configuration. To do so, you must remove /etc/cni/net.d');
    const left = await sh(w1, 'ls /etc/cni/net.d; ip -br link show flannel.1; sudo -n iptables -S | grep -c -E "^-N (KUBE|FLANNEL)-"; grep -c /var/lib/kubelet /proc/self/mounts; ls /etc/kubernetes');
    const [conflist, link, chains, mounts, ...etc] = left.stdout.trim().split('\n');
    expect(conflist).toBe('10-flannel.conflist');
    expect(link).toMatch(/^flannel\.1\s/);
    expect(Number(chains)).toBeGreaterThan(5);
    expect(mounts).toBe('0');
    expect(etc).toEqual(['manifests', 'pki', 'rackpilot']);

    // A reset node joins nothing until cleaned: a leftover manifest is kubeadm's DirAvailable error.
    const blocked = await sh(w1, `sudo -n touch /etc/kubernetes/manifests/leftover.yaml && sudo -n kubeadm join --config ${DIR}/kubeadm-join.yaml`);
    expect(blocked.code).toBe(1);
    expect(parsePreflightErrors(blocked.stdout + blocked.stderr)).toEqual(expect.arrayContaining([
      { kind: 'error', check: 'DirAvailable--etc-kubernetes-manifests', message: '/etc/kubernetes/manifests is not empty' },
    ]));
  }, 60_000);

  it('certs check-expiration reads the real certificates in the table parseCertExpiration reads', async () => {
    const r = await sh(cp, 'sudo -n kubeadm certs check-expiration');
    expect(r.code, r.stderr).toBe(0);
    const { certificates, authorities } = parseCertExpiration(r.stdout);
    expect(certificates.map((c) => c.name)).toEqual(['admin.conf', 'apiserver', 'apiserver-etcd-client', 'apiserver-kubelet-client', 'controller-manager.conf',
      'etcd-healthcheck-client', 'etcd-peer', 'etcd-server', 'front-proxy-client', 'scheduler.conf', 'super-admin.conf']);
    expect(certificates.every((c) => c.present && !c.expired && (c.residualSeconds ?? 0) >= 363 * 86_400)).toBe(true);
    expect(authorities.map((c) => [c.name, c.residual])).toEqual([['ca', '9y'], ['etcd-ca', '9y'], ['front-proxy-ca', '9y']]);
  }, 30_000);

  it('after the control plane is reset, kubectl says what the real one says and diagnose() calls it unreachable', async () => {
    expect((await sh(cp, 'sudo -n kubeadm reset -f')).code).toBe(0);
    const r = await sh(cp, 'kubectl get nodes');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^The connection to the server ${cp.address.replace(/\./g, '\\.')}:6443 was refused - did you specify the right host or port\\?$`, 'm'));
    expect(codes(diagnose({ step: 'cni', exitCode: 1, output: r.stderr }))).toEqual(['api-server-unreachable']);
    const apply = await sh(cp, `sudo -n kubectl --kubeconfig $HOME/.kube/config apply -f ${DIR}/cni.yaml`);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`error: error validating "${DIR}/cni.yaml": error validating data: failed to download openapi: Get "https://${cp.address}:6443/openapi/v2?timeout=32s": dial tcp ${cp.address}:6443: connect: connection refused; if you choose to ignore these errors, turn validation off with --validate=false`);
    expect(rack.calls({ node: 'cp1', tool: 'kubectl' }).slice(-2).map((c) => [c.args.find((a) => a === 'get' || a === 'apply'), c.exitCode])).toEqual([['get', 1], ['apply', 1]]);
  }, 30_000);
});
