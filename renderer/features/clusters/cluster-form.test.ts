import { describe, expect, it } from 'vitest';
import { checkClusterForm, clusterIssues, emptyClusterForm, nodeIssues, roleOf, setRole, specInputOf, stepErrors, type ClusterForm } from './cluster-form';

const nodes = [
  { id: 'n1', name: 'kn1', address: '10.0.0.11' },
  { id: 'n2', name: 'kn2', address: '10.0.0.12' },
  { id: 'n3', name: 'KN2', address: '10.0.0.13' },
  { id: 'n4', name: 'kn4', address: '' },
];

const form = (changes: Partial<ClusterForm>): ClusterForm => ({ ...emptyClusterForm(), name: 'lab', ...changes });

describe('node roles', () => {
  it('gives a node one role: picking worker takes it out of the control planes', () => {
    let f = setRole(form({}), 'n1', 'control-plane');
    f = setRole(f, 'n2', 'control-plane');
    expect(f.controlPlane).toEqual(['n1', 'n2']);
    f = setRole(f, 'n1', 'worker');
    expect(f).toMatchObject({ controlPlane: ['n2'], workers: ['n1'] });
    expect(roleOf(f, 'n1')).toBe('worker');
    f = setRole(f, 'n1', null);
    expect(roleOf(f, 'n1')).toBeNull();
    expect(f.workers).toEqual([]);
  });
});

describe('form → spec', () => {
  it('leaves blank optional fields out so the core defaults apply', () => {
    expect(specInputOf(form({ name: ' lab ', controlPlane: ['n1'], podCidr: '  ', endpoint: '' }))).toEqual({
      name: 'lab',
      kubernetesVersion: '1.34',
      cni: 'flannel',
      controlPlane: ['n1'],
      workers: [],
    });
    expect(specInputOf(form({ controlPlane: ['n1'], podCidr: '10.50.0.0/16', serviceCidr: '10.60.0.0/16', endpoint: 'k8s.lab' }))).toMatchObject({
      podCidr: '10.50.0.0/16',
      serviceCidr: '10.60.0.0/16',
      controlPlaneEndpoint: 'k8s.lab',
    });
  });

  it('parses a good form into the spec with the CNI default pod network', () => {
    const check = checkClusterForm(form({ cni: 'calico', controlPlane: ['n1'], workers: ['n2'] }), nodes, [], null);
    expect(check.errors).toEqual({});
    expect(check.spec).toMatchObject({ podCidr: '192.168.0.0/16', serviceCidr: '10.96.0.0/12', controlPlane: ['n1'], workers: ['n2'] });
    expect(stepErrors(check, 2)).toEqual([]);
  });

  it('puts schema errors on their fields and keeps step 1 free of node errors', () => {
    const check = checkClusterForm(form({ name: 'Lab 1', podCidr: '10.244.0.1/16' }), nodes, [], null);
    expect(check.spec).toBeNull();
    expect(check.errors.name).toMatch(/lower-case/);
    expect(check.errors.podCidr).toMatch(/host bits set.*10\.244\.0\.0\/16/);
    expect(check.errors.controlPlane).toMatch(/at least one control-plane/);
    expect(stepErrors(check, 1)).toHaveLength(2);
    expect(stepErrors(check, 2)).toHaveLength(3);
  });

  it('refuses a name another cluster has, but not the draft this wizard saved', () => {
    expect(checkClusterForm(form({ controlPlane: ['n1'] }), nodes, ['lab'], null).errors.name).toMatch(/already exists/);
    expect(checkClusterForm(form({ controlPlane: ['n1'] }), nodes, ['lab'], 'lab').errors.name).toBeUndefined();
  });

  it('checks the networks before any node is picked', () => {
    const check = checkClusterForm(form({ podCidr: '10.96.0.0/16' }), nodes, [], null);
    expect(check.errors.serviceCidr).toMatch(/overlaps the pod network/);
    expect(check.issues.map((i) => i.code)).toEqual(['cidr-overlap']);
  });

  it('asks for an endpoint with two control planes, and warns about an even number', () => {
    const two = checkClusterForm(form({ controlPlane: ['n1', 'n2'] }), nodes, [], null);
    expect(two.errors.endpoint).toMatch(/needs a control-plane endpoint/);
    const withEndpoint = checkClusterForm(form({ controlPlane: ['n1', 'n2'], endpoint: '10.0.0.50' }), nodes, [], null);
    expect(withEndpoint.errors).toEqual({});
    expect(withEndpoint.spec?.controlPlaneEndpoint).toBe('10.0.0.50:6443');
    expect(clusterIssues(withEndpoint.issues)).toEqual([expect.objectContaining({ severity: 'warning', code: 'even-control-planes' })]);
  });

  it('ties inventory issues to the node they are about', () => {
    const f = form({ controlPlane: ['n2'], workers: ['n3', 'n4'] });
    const check = checkClusterForm(f, nodes, [], null);
    expect(nodeIssues(check.issues, f, 'n3').map((i) => i.code)).toEqual(['duplicate-node-name']);
    expect(nodeIssues(check.issues, f, 'n4').map((i) => i.code)).toEqual(['node-without-address']);
    expect(nodeIssues(check.issues, f, 'n2')).toEqual([]);
    expect(check.errors.workers).toMatch(/kn4 has no address/);
    expect(stepErrors(check, 2).length).toBeGreaterThan(0);
  });

  it('finds a pod network that contains a node address', () => {
    const f = form({ controlPlane: ['n1'], podCidr: '10.0.0.0/16', serviceCidr: '10.96.0.0/12' });
    expect(checkClusterForm(f, nodes, [], null).errors.podCidr).toMatch(/contains kn1's address 10\.0\.0\.11/);
  });
});
