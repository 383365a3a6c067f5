import { describe, expect, it } from 'vitest';
import { clusterSpecSchema } from '../../../../shared/domain/cluster';
import type { KubeNode } from '../remote';
import { endpointCheck } from './index';
import { parseProbeLines, pickListener, pickProber, proberScript } from './probe-scripts';
import { checkApiFromHere, evaluateReachability, firewallFix, planReachability, probeKey, ruleBlocksPort, type ProbeOutcome } from './reachability-plan';
import { facts, pnode } from './test-facts';
import { checkHostnameUnique, checkMacUnique, checkProductUuidUnique, type GatheredNode } from './uniqueness';

const cp1 = pnode('cp-1', 'control-plane', '10.0.0.11');
const cp2 = pnode('cp-2', 'control-plane', '10.0.0.12');
const w1 = pnode('worker-1', 'worker', '10.0.0.21');

function gathered(node: typeof cp1, changes: Parameters<typeof facts>[0] = {}, root = true): GatheredNode {
  return {
    node,
    root,
    facts: facts({
      hostname: node.name,
      productUuid: `uuid-${node.name}`,
      interfaces: [{ name: 'eth0', type: 1, mac: `52:54:00:00:00:${node.name.length.toString(16).padStart(2, '0')}${node.id.slice(-1)}`, physical: true, addresses: [node.address] }],
      ...changes,
    }),
  };
}

describe('uniqueness', () => {
  it('fails both nodes that share a product_uuid, naming the other', () => {
    const checks = checkProductUuidUnique([gathered(cp1, { productUuid: 'same' }), gathered(w1, { productUuid: 'same' }), gathered(cp2)]);
    expect(checks.map((c) => [c.nodeId, c.status])).toEqual([[cp1.id, 'fail'], [w1.id, 'fail'], [cp2.id, 'pass']]);
    expect(checks[0]?.message).toMatch(/also the product_uuid of worker-1.*cloned/);
    expect(checks[0]?.fix).toMatch(/uuidgen/);
  });

  it('says product_uuid was not checked when sudo failed', () => {
    const [c] = checkProductUuidUnique([gathered(cp1, { productUuid: null }, false)]);
    expect(c).toMatchObject({ status: 'warn', message: expect.stringMatching(/needs root/) });
  });

  it('fails a shared hostname (case-insensitively)', () => {
    const checks = checkHostnameUnique([gathered(cp1, { hostname: 'debian' }), gathered(w1, { hostname: 'Debian' })]);
    expect(checks.map((c) => c.status)).toEqual(['fail', 'fail']);
    expect(checks[1]?.fix).toContain('sudo hostnamectl set-hostname worker-1');
  });

  it('fails a MAC shared on the interface carrying the node address, warns on virtual ones, ignores zero MACs', () => {
    const eth = (mac: string, node: typeof cp1) => ({ name: 'eth0', type: 1, mac, physical: false, addresses: [node.address] });
    const bridge = { name: 'docker0', type: 1, mac: '02:42:aa:bb:cc:dd', physical: false, addresses: [] };
    const lo = { name: 'lo', type: 772, mac: '00:00:00:00:00:00', physical: false, addresses: [] };
    const same = checkMacUnique([gathered(cp1, { interfaces: [eth('52:54:00:aa:00:01', cp1), lo] }), gathered(w1, { interfaces: [eth('52:54:00:aa:00:01', w1), lo] })]);
    expect(same.map((c) => c.status)).toEqual(['fail', 'fail']);
    expect(same[0]?.message).toMatch(/52:54:00:aa:00:01 \(eth0\) is also worker-1's eth0/);
    const virtual = checkMacUnique([gathered(cp1, { interfaces: [eth('52:54:00:aa:00:01', cp1), bridge] }), gathered(w1, { interfaces: [eth('52:54:00:aa:00:02', w1), bridge] })]);
    expect(virtual.map((c) => c.status)).toEqual(['warn', 'warn']);
    const distinct = checkMacUnique([gathered(cp1, { interfaces: [eth('52:54:00:aa:00:01', cp1), lo] }), gathered(w1, { interfaces: [eth('52:54:00:aa:00:02', w1), lo] })]);
    expect(distinct.map((c) => c.status)).toEqual(['pass', 'pass']);
  });
});

describe('reachability plan', () => {
  it('has every node reach each API server, control planes reach each kubelet and each other\'s etcd', () => {
    const probes = planReachability([cp1, cp2, w1]).map(probeKey);
    expect(probes).toEqual(expect.arrayContaining([`${cp2.id}>${cp1.id}:6443`, `${w1.id}>${cp1.id}:6443`, `${cp1.id}>${cp2.id}:2380`, `${cp1.id}>${w1.id}:10250`, `${cp2.id}>${cp1.id}:10250`]));
    expect(probes).not.toContain(`${w1.id}>${cp1.id}:2379`);
    expect(probes).not.toContain(`${cp1.id}>${w1.id}:6443`);
    expect(planReachability([cp1])).toEqual([]);
  });

  it('fails the listener node naming the prober that could not connect, with the firewall rule that blocks it', () => {
    const probes = planReachability([cp1, w1]);
    const outcomes = new Map<string, ProbeOutcome>([
      [probeKey({ from: w1.id, to: cp1.id, port: 6443 }), { kind: 'timeout' }],
      [probeKey({ from: cp1.id, to: w1.id, port: 10250 }), { kind: 'ok' }],
    ]);
    const factsById = new Map([[cp1.id, facts({ firewall: { ufwActive: false, firewalldRunning: false, inputRules: ['-A INPUT -p tcp -m tcp --dport 6443 -j DROP'] } })]]);
    const checks = evaluateReachability([cp1, w1], factsById, probes, outcomes);
    const api = checks.find((c) => c.id === 'port-reachable:6443');
    expect(api).toMatchObject({ nodeId: cp1.id, status: 'fail', message: expect.stringMatching(/^Worker-1 cannot reach cp-1:6443 \(timed out: something drops the packets\)/) });
    expect(api?.fix).toContain('sudo iptables -D INPUT -p tcp -m tcp --dport 6443 -j DROP');
    expect(checks.find((c) => c.id === 'port-reachable:10250')).toMatchObject({ nodeId: w1.id, status: 'pass', message: 'Reachable from cp-1' });
  });

  it('warns when a probe could not run', () => {
    const probes = planReachability([cp1, w1]);
    const outcomes = new Map<string, ProbeOutcome>([[probeKey({ from: w1.id, to: cp1.id, port: 6443 }), { kind: 'not-checked', reason: 'cp-1 has no perl, python3 or socat' }]]);
    const api = evaluateReachability([cp1, w1], new Map(), probes, outcomes).find((c) => c.id === 'port-reachable:6443');
    expect(api).toMatchObject({ status: 'warn', message: 'Not checked from worker-1: cp-1 has no perl, python3 or socat' });
  });

  it('warns (not fails) when only this computer cannot reach the API server', () => {
    expect(checkApiFromHere(cp1, null, { kind: 'refused' })).toMatchObject({ status: 'warn', message: expect.stringMatching(/kubectl here/) });
  });
});

describe('firewall fixes', () => {
  it('matches rules by port, port range and multiport; a rule without a port blocks everything', () => {
    expect(ruleBlocksPort('-A INPUT -p tcp -m tcp --dport 6443 -j DROP', 6443)).toBe(true);
    expect(ruleBlocksPort('-A INPUT -p tcp -m tcp --dport 6443 -j DROP', 10250)).toBe(false);
    expect(ruleBlocksPort('-A INPUT -p tcp -m tcp --dport 2379:2380 -j REJECT --reject-with icmp-port-unreachable', 2380)).toBe(true);
    expect(ruleBlocksPort('-A INPUT -p tcp -m multiport --dports 22,10250 -j DROP', 10250)).toBe(true);
    expect(ruleBlocksPort('-A INPUT -s 10.0.0.0/8 -j DROP', 6443)).toBe(true);
    expect(ruleBlocksPort('-A INPUT -p udp -m udp --dport 6443 -j DROP', 6443)).toBe(false);
  });

  it('names the firewall the node runs', () => {
    const fw = (changes: object) => facts({ firewall: { ufwActive: false, firewalldRunning: false, inputRules: [], ...changes } });
    expect(firewallFix(cp1, fw({ ufwActive: true }), 2379)).toContain('sudo ufw allow 2379:2380/tcp');
    expect(firewallFix(cp1, fw({ firewalldRunning: true }), 6443)).toContain('--add-port=6443/tcp');
    expect(firewallFix(cp1, fw({}), 6443)).toMatch(/Is a firewall blocking it\?.*ufw allow 6443\/tcp/);
  });
});

describe('probe scripts', () => {
  it('prefer tools every Debian/Ubuntu has', () => {
    expect(pickListener({ perl: '/usr/bin/perl', python3: '/usr/bin/python3' })).toBe('perl');
    expect(pickListener({ socat: '/usr/bin/socat' })).toBe('socat');
    expect(pickListener({ bash: '/bin/bash' })).toBeNull();
    expect(pickProber({ bash: '/bin/bash', timeout: '/usr/bin/timeout', perl: '/usr/bin/perl' })).toBe('bash');
    expect(pickProber({ bash: '/bin/bash', perl: '/usr/bin/perl' })).toBe('perl');
  });

  it('quote targets and read the outcomes back', () => {
    expect(proberScript('bash', [{ host: '10.0.0.11', port: 6443 }])).toContain("probe '10.0.0.11' 6443 &");
    const lines = parseProbeLines('probe=10.0.0.11 6443 ok\nprobe=10.0.0.12 6443 error Connection refused\nprobe=10.0.0.13 6443 timeout\nprobe=10.0.0.14 6443 error No route to host\n');
    expect([...lines.values()].map((o) => o.kind)).toEqual(['ok', 'refused', 'timeout', 'error']);
    expect(lines.get('10.0.0.14 6443')?.detail).toBe('No route to host');
  });
});

describe('control-plane endpoint', () => {
  const kube = (n: typeof cp1, init: boolean): KubeNode => ({ ...n, init, target: { nodeId: n.id, name: n.name, address: n.address, port: 22, user: 'ops', hostKeys: [] } });
  const nodes = [kube(cp1, true), kube(cp2, false), kube(w1, false)];
  const spec = (endpoint?: string) => clusterSpecSchema.parse({ name: 'c', controlPlane: [cp1.id, cp2.id], workers: [w1.id], ...(endpoint ? { controlPlaneEndpoint: endpoint } : {}) });

  it('passes when the endpoint is a control plane, warns that a VIP or load balancer is the user\'s to provide', () => {
    expect(endpointCheck(spec('10.0.0.11:6443'), nodes)).toMatchObject({ nodeId: null, status: 'pass', message: '10.0.0.11:6443 (cp-1)' });
    const vip = endpointCheck(spec('10.0.0.50:6443'), nodes);
    expect(vip).toMatchObject({ status: 'warn', message: expect.stringMatching(/load balancer or virtual IP/) });
    expect(vip.fix).toMatch(/port 6443 of every control plane/);
  });
});
