/**
 * runPreflight on the stand-in rack: real sshd nodes in their own network, mount and UTS
 * namespaces (hostname, product_uuid, /proc/swaps, interfaces, iptables and listening sockets
 * are each node's own). No kube stand-in is involved: preflight only reads the system and opens
 * real TCP connections between the nodes, so every finding here comes from real Linux state.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PreflightReport } from '../../../../shared/domain/cluster-record';
import { clusterSpecSchema } from '../../../../shared/domain/cluster';
import { nodeInputSchema } from '../../../../shared/domain/node-schema';
import { targetFromNode } from '../../ssh/target';
import { requireStandInRack, startStandInRack, type StandInRack } from '../../testing/kube-rack';
import { createTempApp, type TempApp } from '../../testing/temp-app';
import { sshRemote, type KubeNode } from '../remote';
import { runPreflight } from './index';

const skip = requireStandInRack();
const TWIN_UUID = '4c4c4544-0042-3510-8052-b4c04f333532';

let rack: StandInRack;
let t: TempApp;
const members = new Map<string, KubeNode>();

/** The rack node as an inventory node of the app, so SSH goes through Rackpilot's own key and pool. */
function member(name: string, role: KubeNode['role']): KubeNode {
  const known = members.get(name);
  if (known) return known;
  const standIn = rack.node(name);
  const created = t.app.services.nodes.create(
    nodeInputSchema.parse({ name, mac: `52:54:00:7e:00:${(members.size + 1).toString(16).padStart(2, '0')}`, address: standIn.address, sshPort: standIn.port, sshUser: rack.user }),
  );
  const node = t.app.services.nodes.pinHostKey(created.id, standIn.hostKey);
  const kube: KubeNode = { id: node.id, name: node.name, address: node.address, role, init: false, target: targetFromNode(node) };
  members.set(name, kube);
  return kube;
}

async function preflight(nodes: KubeNode[]): Promise<PreflightReport> {
  const spec = clusterSpecSchema.parse({
    name: 'rack',
    controlPlane: nodes.filter((n) => n.role === 'control-plane').map((n) => n.id),
    workers: nodes.filter((n) => n.role === 'worker').map((n) => n.id),
  });
  return runPreflight(sshRemote(t.app.services.ssh), { clusterName: 'rack', spec, nodes, signal: new AbortController().signal });
}

const find = (r: PreflightReport, id: string, node: KubeNode) => r.checks.find((c) => c.id === id && c.nodeId === node.id);
const nameOf = (nodeId: string | null) => [...members.values()].find((m) => m.id === nodeId)?.name ?? 'cluster';
const notPassing = (r: PreflightReport) => r.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}@${nameOf(c.nodeId)}:${c.status}`);

/** Sets the CPU affinity of every process in a node's network namespace (its sshd and SSH sessions). */
function pinCpus(node: string, cpus: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', rack.node(node).ns]).stdout.toString().split(/\s+/).filter(Boolean);
  for (const pid of pids) spawnSync('taskset', ['-a', '-p', '-c', cpus, pid]);
}

beforeAll(async () => {
  if (skip) return;
  rack = await startStandInRack({
    tag: 'preflight',
    nodes: [{ name: 'cp1' }, { name: 'w1' }, { name: 'swapper', swap: true }, { name: 'twin-a', productUuid: TWIN_UUID }, { name: 'twin-b', productUuid: TWIN_UUID }],
  });
  t = createTempApp();
  rack.authorize(t.app.services.ssh.publicKey!.authorizedKey);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await rack?.stop();
});

describe.skipIf(skip)('runPreflight (stand-in rack)', () => {
  afterEach(() => {
    // Undo per-test faults so each test starts from a clean node.
    rack.node('cp1').exec('iptables -D INPUT -p tcp --dport 6443 -j DROP 2>/dev/null; true');
    rack.node('w1').exec('pkill -f "http.server 10250"; true');
    pinCpus('cp1', `0-${cpus().length - 1}`);
  });

  it('passes a clean 2-node rack; the one warning is time sync (no NTP daemon runs here)', async () => {
    const cp = member('cp1', 'control-plane');
    const worker = member('w1', 'worker');
    const report = await preflight([cp, worker]);
    expect(report.ok).toBe(true);
    // The nodes share this machine's kernel clock (so no skew), but this machine runs no chrony,
    // ntpd or systemd-timesyncd, and timedatectl has no systemd to ask: the warning is true here.
    expect(notPassing(report)).toEqual(['time-sync@cp1:warn', 'time-sync@w1:warn']);
    expect(find(report, 'time-sync', cp)?.message).toMatch(/No time sync service found.*clock within 0\.\d s/);
    expect(find(report, 'product-uuid-unique', cp)?.message).toBe(rack.node('cp1').productUuid);
    expect(find(report, 'hostname', worker)?.message).toBe('w1, the name Kubernetes will use');
    expect(find(report, 'port-reachable:6443', cp)).toMatchObject({ status: 'pass', message: 'Reachable from w1' });
    expect(find(report, 'port-reachable:10250', worker)).toMatchObject({ status: 'pass', message: 'Reachable from cp1' });
    expect(find(report, 'port-reachable:6443:this-computer', cp)?.status).toBe('pass');
  });

  it('warns about swap on a node with swap on, saying the bootstrap turns it off', async () => {
    const cp = member('cp1', 'control-plane');
    const swapper = member('swapper', 'worker');
    const report = await preflight([cp, swapper]);
    expect(find(report, 'swap', swapper)).toMatchObject({ status: 'warn', message: expect.stringMatching(/^Swap is on: \/swap\.img \(2\.0 GiB\).*Prerequisites step turns it off/) });
    expect(find(report, 'swap', swapper)?.fix).toContain('sudo swapoff -a');
    expect(find(report, 'swap', cp)?.status).toBe('pass');
  });

  it('fails product_uuid uniqueness on both nodes cloned with the same UUID', async () => {
    const a = member('twin-a', 'control-plane');
    const b = member('twin-b', 'worker');
    const report = await preflight([a, b]);
    expect(find(report, 'product-uuid-unique', a)).toMatchObject({ status: 'fail', message: expect.stringContaining(`${TWIN_UUID} is also the product_uuid of twin-b`) });
    expect(find(report, 'product-uuid-unique', b)?.status).toBe('fail');
    expect(report.ok).toBe(false);
  });

  it('fails reachability when a node\'s firewall drops 6443, naming the rule to remove', async () => {
    const cp = member('cp1', 'control-plane');
    const worker = member('w1', 'worker');
    expect(rack.node('cp1').exec('iptables -A INPUT -p tcp --dport 6443 -j DROP').code).toBe(0);
    const report = await preflight([cp, worker]);
    const api = find(report, 'port-reachable:6443', cp);
    expect(api).toMatchObject({ status: 'fail', message: expect.stringMatching(/^W1 cannot reach cp1:6443 \(timed out: something drops the packets\)/) });
    expect(api?.fix).toContain('"-A INPUT -p tcp -m tcp --dport 6443 -j DROP"');
    expect(api?.fix).toContain('sudo iptables -D INPUT -p tcp -m tcp --dport 6443 -j DROP');
    // The rule drops this computer's packets as well; that alone would only warn.
    expect(find(report, 'port-reachable:6443:this-computer', cp)?.status).toBe('warn');
    // The kubelet port in the other direction is untouched.
    expect(find(report, 'port-reachable:10250', worker)?.status).toBe('pass');
    expect(report.ok).toBe(false);
  });

  it('fails port-free when something already listens on 10250, naming the process', async () => {
    const cp = member('cp1', 'control-plane');
    const worker = member('w1', 'worker');
    const started = rack.node('w1').exec('cd / && setsid python3 -m http.server 10250 >/dev/null 2>&1 < /dev/null & for i in $(seq 50); do ss -Htln "sport = :10250" | grep -q . && exit 0; sleep 0.1; done; exit 1');
    expect(started.code).toBe(0);
    const report = await preflight([cp, worker]);
    expect(find(report, 'port-free:10250', worker)).toMatchObject({ status: 'fail', message: expect.stringMatching(/^Port 10250 is in use by python3 \(pid \d+\) on 0\.0\.0\.0:10250$/) });
    // Preflight does not start its own listener on a taken port, so reachability is not claimed.
    expect(find(report, 'port-reachable:10250', worker)).toMatchObject({ status: 'warn', message: expect.stringContaining('10250 is already in use on w1') });
    expect(find(report, 'port-free:10250', cp)?.status).toBe('pass');
  });

  it.skipIf(cpus().length < 2)('fails a control plane whose processes may use only 1 CPU (as kubeadm\'s NumCPU check would)', async () => {
    const cp = member('cp1', 'control-plane');
    // SSH sessions inherit sshd's CPU affinity, and nproc (like Go's runtime.NumCPU, which kubeadm uses) counts it.
    pinCpus('cp1', '0');
    const report = await preflight([cp]);
    expect(find(report, 'cpus', cp)).toMatchObject({ status: 'fail', message: expect.stringMatching(/^1 CPU: kubeadm refuses/) });
  });
});
