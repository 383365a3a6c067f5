import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Node, V1NodeSystemInfo, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describeApiFailure } from './api-errors';
import { certificatesFrom } from './read-certificates';
import { podStatus, summarizeNode, summarizePod } from './summarize';

const outputFixture = (name: string) => readFileSync(join(__dirname, '..', 'output', 'fixtures', name), 'utf8');

describe('summarizeNode', () => {
  it('reads roles from node-role labels (and the legacy role label) and explains a node without a Ready condition', () => {
    const node: V1Node = {
      metadata: { name: 'cp-2', labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/etcd': 'true', 'kubernetes.io/role': 'master' } },
      status: { addresses: [{ type: 'Hostname', address: 'cp-2' }], nodeInfo: { kubeletVersion: 'v1.33.5' } as V1NodeSystemInfo },
    };
    expect(summarizeNode(node)).toEqual({
      name: 'cp-2',
      ready: false,
      roles: ['control-plane', 'etcd', 'master'],
      kubeletVersion: 'v1.33.5',
      internalIp: null,
      message: 'The kubelet has not reported a Ready condition yet.',
    });
  });

  it('uses the Ready condition reason when the kubelet gave no message (node unreachable)', () => {
    const node: V1Node = {
      metadata: { name: 'worker-2' },
      status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: '' }] },
    };
    expect(summarizeNode(node)).toMatchObject({ ready: false, roles: [], message: 'NodeStatusUnknown' });
  });
});

describe('summarizePod', () => {
  it('shows what kubectl shows: the container reason over the phase, Init: reasons, Terminating', () => {
    const crash: V1Pod = {
      metadata: { name: 'kube-flannel-ds-x' },
      spec: { containers: [], nodeName: 'worker-1' },
      status: { phase: 'Running', containerStatuses: [{ name: 'kube-flannel', image: '', imageID: '', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
    };
    expect(summarizePod(crash)).toEqual({ name: 'kube-flannel-ds-x', phase: 'CrashLoopBackOff', ready: false, restarts: 7, nodeName: 'worker-1' });
    const init: V1Pod = {
      metadata: { name: 'calico-node-1' },
      status: { phase: 'Pending', initContainerStatuses: [{ name: 'install-cni', image: '', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] },
    };
    expect(podStatus(init)).toBe('Init:ImagePullBackOff');
    expect(podStatus({ metadata: { name: 'p', deletionTimestamp: new Date() }, status: { phase: 'Running' } })).toBe('Terminating');
    expect(podStatus({ metadata: { name: 'p' }, status: { phase: 'Failed', reason: 'Evicted' } })).toBe('Evicted');
  });
});

describe('certificatesFrom (kubeadm certs check-expiration)', () => {
  it('lists every certificate and CA with days left and the earliest expiry', () => {
    const now = Date.parse('2026-11-24T09:17:00Z');
    const reading = certificatesFrom(outputFixture('certs-check-expiration.txt'), now);
    expect(reading?.earliestExpiry).toBe('2027-11-23T09:16:00.000Z');
    expect(reading?.certs).toHaveLength(14);
    expect(reading?.certs[0]).toEqual({ name: 'admin.conf', expires: '2027-11-23T09:17:00.000Z', residualDays: 364 });
    expect(reading?.certs.find((c) => c.name === 'ca')).toEqual({ name: 'ca', expires: '2036-11-21T09:16:00.000Z', residualDays: 3649 });
  });

  it('gives negative days for expired certificates and null for output without tables', () => {
    const reading = certificatesFrom(outputFixture('certs-check-expiration-expired.txt'), Date.parse('2030-01-01T00:00:00Z'));
    expect(reading?.certs.some((c) => c.residualDays < 0)).toBe(true);
    expect(certificatesFrom('error execution phase: open /etc/kubernetes/pki/ca.crt: no such file or directory')).toBeNull();
  });
});

describe('describeApiFailure', () => {
  it('names the failure and the next step for socket errors the loopback tests cannot produce', () => {
    const server = 'https://192.168.50.10:6443';
    const sys = (code: string) => Object.assign(new Error(`request to ${server}/version failed, reason: connect ${code}`), { name: 'FetchError', code });
    expect(describeApiFailure(sys('EHOSTUNREACH'), server)).toBe(
      'There is no route to 192.168.50.10 (EHOSTUNREACH): is the control-plane node powered on and on a network this machine can reach?',
    );
    expect(describeApiFailure(sys('CERT_HAS_EXPIRED'), server)).toContain('sudo kubeadm certs renew all');
    expect(describeApiFailure(sys('ENOTFOUND'), 'https://cp.lab:6443')).toContain('The name cp.lab in the cluster\'s endpoint does not resolve');
    expect(describeApiFailure(Object.assign(new Error('HTTP-Code: 403'), { code: 403, body: '{"kind":"Status","message":"nodes is forbidden"}' }), server)).toContain(
      '(403 Forbidden ("nodes is forbidden"))',
    );
  });
});
