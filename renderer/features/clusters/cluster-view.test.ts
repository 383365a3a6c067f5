import { describe, expect, it } from 'vitest';
import type { Cluster, PreflightCheck, PreflightReport } from '../../../shared/domain/cluster-record';
import type { Job } from '../../../shared/domain/job';
import { applyClusterChange } from '../../stores/clusters';
import { clusterActions, endpointLabel, nodeNames, nodesLine } from './cluster-format';
import { phaseSteps, phaseSummary } from './phase-list';
import { certExpiry, countsLine, groupPreflight, preflightReportOf, wipeReportOf } from './report-format';

const PHASES = ['Prerequisites', 'Packages', 'kubeadm init', 'Join workers'];
const job = (changes: Partial<Job>): Job => ({
  id: 'j1',
  kind: 'cluster.bootstrap',
  title: 'Bootstrap lab',
  nodeId: null,
  state: 'running',
  phases: PHASES,
  phase: null,
  progress: 0,
  result: null,
  error: null,
  createdAt: '2026-11-24T10:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  ...changes,
});
const statuses = (j: Job) => phaseSteps(j).map((s) => s.status);

describe('phase list', () => {
  it('marks the phases before the current one done and the rest pending', () => {
    expect(statuses(job({ state: 'queued' }))).toEqual(['pending', 'pending', 'pending', 'pending']);
    expect(statuses(job({ phase: 'Packages' }))).toEqual(['done', 'running', 'pending', 'pending']);
    expect(statuses(job({ state: 'succeeded', phase: 'Join workers' }))).toEqual(['done', 'done', 'done', 'done']);
  });
  it('shows where a job failed or stopped', () => {
    expect(statuses(job({ state: 'failed', phase: 'kubeadm init' }))).toEqual(['done', 'done', 'failed', 'pending']);
    expect(statuses(job({ state: 'interrupted', phase: 'Prerequisites' }))).toEqual(['stopped', 'pending', 'pending', 'pending']);
    expect(statuses(job({ state: 'cancelled', phase: 'Join workers' }))).toEqual(['done', 'done', 'done', 'stopped']);
  });
  it('takes the outcomes from a finished bootstrap result: a resumed run skipped what was done', () => {
    const result = {
      phases: [
        { name: 'Prerequisites', outcome: 'skipped', detail: 'already configured' },
        { name: 'Packages', outcome: 'done', detail: 'kubeadm 1.34 installed' },
        { name: 'bogus', outcome: 'weird', detail: '' },
      ],
    };
    const steps = phaseSteps(job({ state: 'succeeded', phase: 'Join workers', result }));
    expect(steps.map((s) => s.status)).toEqual(['skipped', 'done', 'done', 'done']);
    expect(steps[1]?.detail).toBe('kubeadm 1.34 installed');
    expect(phaseSummary(steps)).toBe('4 of 4 phases done');
    // The core returns the bare list.
    expect(statuses(job({ state: 'succeeded', result: result.phases }))).toEqual(['skipped', 'done', 'done', 'done']);
  });
});

describe('preflight report', () => {
  const check = (nodeId: string | null, id: string, status: PreflightCheck['status']): PreflightCheck => ({ id, nodeId, title: id, status, message: '', fix: status === 'pass' ? null : 'do it' });
  const report: PreflightReport = {
    clusterName: 'lab',
    checkedAt: '2026-11-24T10:00:00.000Z',
    ok: false,
    checks: [check('n2', 'swap', 'fail'), check('n1', 'cpus', 'pass'), check(null, 'port-reachable:6443', 'warn'), check('n1', 'swap', 'warn'), check('n9', 'ssh', 'fail')],
  };
  it('groups per node in the cluster order, failures first, whole-cluster checks last', () => {
    const groups = groupPreflight(report, [
      { id: 'n1', name: 'kn1' },
      { id: 'n2', name: 'kn2' },
    ]);
    expect(groups.map((g) => g.title)).toEqual(['kn1', 'kn2', 'n9', 'Whole cluster']);
    expect(groups[0]?.checks.map((c) => c.status)).toEqual(['warn', 'pass']);
    expect(countsLine(groups[0]!.counts)).toBe('1 warning · 1 passed');
    expect(countsLine(groups[1]!.counts)).toBe('1 failed · 0 passed');
  });
  it('reads reports from job results only when they have the shape', () => {
    expect(preflightReportOf(job({ result: report }))).toBe(report);
    expect(preflightReportOf(job({ result: { checks: 'no' } }))).toBeNull();
    const wipe = { checkedAt: 'x', nodes: [] };
    expect(wipeReportOf(job({ result: wipe }))).toBe(wipe);
    expect(wipeReportOf(job({ result: { backup: null, wipe } }))).toBe(wipe);
    expect(wipeReportOf(job({ result: null }))).toBeNull();
  });
});

describe('certificates', () => {
  it('warns when the first certificate expires within 30 days', () => {
    const certs = (days: number[]) => ({ earliestExpiry: '2027-01-01T00:00:00Z', certs: days.map((d, i) => ({ name: `c${i}`, expires: '', residualDays: d })) });
    expect(certExpiry(certs([364, 29]))).toEqual({ earliest: '2027-01-01T00:00:00Z', days: 29, warn: true });
    expect(certExpiry(certs([364, 30]))?.warn).toBe(false);
    expect(certExpiry(null)).toBeNull();
  });
});

describe('clusters', () => {
  const cluster = (name: string, changes: Partial<Cluster> = {}): Cluster => ({
    name,
    spec: { name, kubernetesVersion: '1.34', controlPlane: ['n1'], workers: ['n2', 'n3'], podCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12', cni: 'flannel', runtime: { cgroupDriver: 'systemd', criSocket: 'unix:///run/containerd/containerd.sock' } },
    state: 'draft',
    endpoint: null,
    hasKubeconfig: false,
    lastJobId: null,
    diagnoses: [],
    backups: [],
    rebuild: null,
    createdAt: '',
    updatedAt: '',
    ...changes,
  });

  it('keeps the list sorted and applies removals', () => {
    let list = applyClusterChange([], { op: 'upsert', cluster: cluster('b') });
    list = applyClusterChange(list, { op: 'upsert', cluster: cluster('a') });
    list = applyClusterChange(list, { op: 'upsert', cluster: cluster('b', { state: 'ready' }) });
    expect(list.map((c) => `${c.name}:${c.state}`)).toEqual(['a:draft', 'b:ready']);
    expect(applyClusterChange(list, { op: 'remove', name: 'a' }).map((c) => c.name)).toEqual(['b']);
  });

  it('describes nodes and endpoint', () => {
    expect(nodesLine(cluster('a'))).toBe('1 control plane, 2 workers');
    expect(endpointLabel(cluster('a'), [])).toBe('first control plane:6443');
    expect(endpointLabel(cluster('a'), [{ id: 'n1', address: '10.0.0.11' }])).toBe('10.0.0.11:6443');
    expect(endpointLabel(cluster('a'), [{ id: 'n1', address: 'fd00::11' }])).toBe('[fd00::11]:6443');
    expect(endpointLabel(cluster('a', { endpoint: '10.0.0.50:6443' }), [{ id: 'n1', address: '10.0.0.11' }])).toBe('10.0.0.50:6443');
    expect(nodeNames(['n1', 'gone'], [{ id: 'n1', name: 'kn1' }])).toEqual(['kn1', 'gone']);
  });

  it('offers the actions the state allows, and none while a job runs', () => {
    expect(clusterActions(cluster('a'), false)).toEqual({ bootstrap: 'Bootstrap', teardown: false, rebuild: null, remove: true });
    expect(clusterActions(cluster('a', { state: 'failed' }), false)).toEqual({ bootstrap: 'Resume bootstrap', teardown: true, rebuild: 'Rebuild', remove: true });
    expect(clusterActions(cluster('a', { state: 'ready' }), false)).toEqual({ bootstrap: null, teardown: true, rebuild: 'Rebuild', remove: false });
    expect(clusterActions(cluster('a', { state: 'torn-down' }), false)).toMatchObject({ bootstrap: 'Bootstrap', teardown: false, remove: true });
    const rebuilding = cluster('a', { state: 'rebuilding', rebuild: { startedAt: '', reinstall: false, step: 'bootstrap', jobId: null } });
    expect(clusterActions(rebuilding, false).rebuild).toBe('Resume rebuild');
    expect(clusterActions(cluster('a', { state: 'ready' }), true)).toEqual({ bootstrap: null, teardown: false, rebuild: null, remove: false });
  });
});
