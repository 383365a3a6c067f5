import { describe, expect, it } from 'vitest';
import { clusterHealth, troubledPods, type NodeList, type PodList } from './cluster-health';

type Pod = NonNullable<PodList['items']>[number];
const node = (name: string, ready: boolean, message = ''): NonNullable<NodeList['items']>[number] => ({
  metadata: { name },
  status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'KubeletNotReady', message }] },
});
const coredns = (name: string, phase: string): Pod => ({ metadata: { name, namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, status: { phase } });
const flannel = (name: string, on: string, crashing = false): Pod => ({
  metadata: { name, namespace: 'kube-flannel', labels: { app: 'flannel' } },
  spec: { nodeName: on },
  status: {
    phase: 'Running',
    containerStatuses: [
      crashing
        ? { name: 'kube-flannel', ready: false, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } }, lastState: { terminated: { reason: 'Error', message: 'failed to acquire lease' } } }
        : { name: 'kube-flannel', ready: true, state: {} },
    ],
  },
});
const NOT_READY = 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
const cni = (...pods: Pod[]) => ({ name: 'flannel', pods: { items: pods } });

describe('clusterHealth', () => {
  it('is ready when every node is Ready, runs its flannel pod, and every CoreDNS pod runs', () => {
    const h = clusterHealth({
      expected: ['cp-1', 'worker-1'],
      nodes: { items: [node('cp-1', true), node('worker-1', true)] },
      systemPods: { items: [coredns('coredns-1', 'Running'), coredns('coredns-2', 'Running')] },
      cni: cni(flannel('kube-flannel-ds-a', 'cp-1'), flannel('kube-flannel-ds-b', 'worker-1')),
    });
    expect(h).toEqual({ ready: true, summary: '2/2 nodes Ready, flannel 2/2 running, CoreDNS 2/2 Running', problems: [] });
  });

  it("names nodes that are missing or NotReady with kubelet's reason, and nodes without a CNI pod", () => {
    const h = clusterHealth({ expected: ['cp-1', 'worker-1'], nodes: { items: [node('cp-1', false, NOT_READY)] }, systemPods: { items: [coredns('coredns-1', 'Pending')] }, cni: cni() });
    expect(h.ready).toBe(false);
    expect(h.summary).toBe('0/2 nodes Ready, flannel 0/2 running, CoreDNS 0/1 Running');
    expect(h.problems).toEqual([
      `node cp-1 is NotReady: ${NOT_READY}`,
      'node worker-1 is not registered in the cluster',
      'no flannel pod runs on node cp-1 yet',
      'no flannel pod runs on node worker-1 yet',
      'CoreDNS pod coredns-1 is Pending',
    ]);
  });

  it('is not ready while the CNI agent crash-loops on a Ready node, or no CoreDNS pod exists', () => {
    const h = clusterHealth({ expected: ['cp-1'], nodes: { items: [node('cp-1', true), node('stranger', false)] }, systemPods: { items: [] }, cni: cni(flannel('kube-flannel-ds-a', 'cp-1', true)) });
    expect(h.ready).toBe(false);
    expect(h.problems).toEqual([
      'flannel pod kube-flannel-ds-a on cp-1 is Running; kube-flannel: CrashLoopBackOff (back-off 40s restarting failed container); kube-flannel last exited: failed to acquire lease',
      'no CoreDNS pod exists yet',
    ]);
  });
});

describe('troubledPods', () => {
  it('lists crash-looping pods (phase Running, container waiting) and leaves healthy ones out', () => {
    expect(troubledPods({ items: [flannel('kube-flannel-ds-abcde', 'cp-1', true), flannel('fine', 'worker-1')] })).toEqual([
      'pod kube-flannel/kube-flannel-ds-abcde on cp-1 is Running; kube-flannel: CrashLoopBackOff (back-off 40s restarting failed container); kube-flannel last exited: failed to acquire lease',
    ]);
  });
});
