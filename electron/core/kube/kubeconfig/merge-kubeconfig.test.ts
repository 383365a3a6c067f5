import { KubeConfig } from '@kubernetes/client-node';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clusterKubeconfig } from './cluster-kubeconfig';
import { adminConf, issueAdminCert, makeCa, type TestCert } from './fixtures/test-pki';
import { mergeKubeconfig } from './merge-kubeconfig';

const b64 = (pem: string) => Buffer.from(pem).toString('base64');
const NOW = new Date('2026-11-24T10:15:30.123Z');

let labCa: TestCert;
let labAdmin: TestCert;
let otherCa: TestCert;
let otherAdmin: TestCert;
let lab: { yaml: string; contextName: string };
let dir: string;

/** A ~/.kube/config of someone who already uses kubectl: two other clusters, preferences, comments. */
function usersConfig(): string {
  return [
    '# my clusters — keep this comment',
    'apiVersion: v1',
    'kind: Config',
    'preferences:',
    '  colors: true',
    'clusters:',
    '- name: prod',
    '  cluster:',
    `    certificate-authority-data: ${b64(otherCa.certPem)}`,
    '    server: https://prod.example.internal:6443',
    '- name: minikube',
    '  cluster:',
    '    certificate-authority: /home/me/.minikube/ca.crt',
    '    server: https://192.168.49.2:8443',
    'users:',
    '- name: prod-admin',
    '  user:',
    `    client-certificate-data: ${b64(otherAdmin.certPem)}`,
    `    client-key-data: ${b64(otherAdmin.keyPem)}`,
    '- name: minikube',
    '  user:',
    '    token: abc.def',
    'contexts:',
    '- name: prod',
    '  context: {cluster: prod, user: prod-admin, namespace: shop}',
    '- name: minikube',
    '  context: {cluster: minikube, user: minikube}',
    'current-context: prod',
    '',
  ].join('\n');
}

function errorOf(fn: () => unknown): { code: string; message: string; details?: unknown } {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string; details?: unknown };
  }
  throw new Error('expected an error');
}

beforeAll(() => {
  labCa = makeCa();
  labAdmin = issueAdminCert(labCa);
  otherCa = makeCa();
  otherAdmin = issueAdminCert(otherCa);
  lab = clusterKubeconfig(adminConf({ ca: labCa, client: labAdmin, server: 'https://10.0.0.11:6443', clusterName: 'lab' }), {
    clusterName: 'lab',
    endpoint: '10.0.0.11:6443',
  });
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rackpilot-kubeconfig-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('mergeKubeconfig', () => {
  it('creates a missing file in a private folder and makes the cluster current', () => {
    const path = join(dir, 'home', '.kube', 'config');
    const result = mergeKubeconfig({ path, incoming: lab.yaml, contextName: 'lab', now: NOW });
    expect(result).toEqual({ path, contextName: 'lab', backupPath: null, replaced: false });
    expect(statSync(join(dir, 'home', '.kube')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const kc = new KubeConfig();
    kc.loadFromString(readFileSync(path, 'utf8'));
    expect(kc.getCurrentContext()).toBe('lab');
    expect(kc.getCurrentCluster()?.server).toBe('https://10.0.0.11:6443');
    expect(kc.getCurrentUser()?.certData).toBe(b64(labAdmin.certPem));
  });

  it('adds the cluster beside two others without touching them, their preferences or current-context, after a backup', () => {
    const path = join(dir, 'config');
    const original = usersConfig();
    writeFileSync(path, original, { mode: 0o644 });
    const result = mergeKubeconfig({ path, incoming: lab.yaml, contextName: 'lab', now: NOW });

    expect(result.replaced).toBe(false);
    expect(result.backupPath).toBe(`${path}.rackpilot-20261124T101530.bak`);
    expect(readFileSync(result.backupPath ?? '', 'utf8')).toBe(original);
    expect(statSync(result.backupPath ?? '').mode & 0o777).toBe(0o600);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const text = readFileSync(path, 'utf8');
    expect(text).toContain('# my clusters — keep this comment');
    const before = parse(original);
    const after = parse(text);
    expect(after['current-context']).toBe('prod');
    expect(after.preferences).toEqual({ colors: true });
    for (const list of ['clusters', 'users', 'contexts']) {
      expect(after[list].slice(0, 2)).toEqual(before[list]);
      expect(after[list]).toHaveLength(3);
    }

    const kc = new KubeConfig();
    kc.loadFromString(text);
    expect(kc.getContexts().map((c) => c.name)).toEqual(['prod', 'minikube', 'lab']);
    expect(kc.getCurrentContext()).toBe('prod');
    kc.setCurrentContext('lab');
    expect(kc.getCurrentCluster()?.server).toBe('https://10.0.0.11:6443');
    expect(kc.getCurrentUser()?.keyData).toBe(b64(labAdmin.keyPem));
  });

  it('replaces its own entries on a second merge (same CA), keeping one of each and a second backup', () => {
    const path = join(dir, 'config');
    writeFileSync(path, usersConfig());
    const first = mergeKubeconfig({ path, incoming: lab.yaml, contextName: 'lab', now: NOW });
    const afterFirst = readFileSync(path, 'utf8');
    // The endpoint moved to a load balancer: the same cluster, a new server address.
    const moved = clusterKubeconfig(adminConf({ ca: labCa, client: labAdmin, server: 'https://10.0.0.11:6443' }), { clusterName: 'lab', endpoint: 'lb.lab:6443' });
    const second = mergeKubeconfig({ path, incoming: moved.yaml, contextName: 'lab', now: NOW });
    expect(second.replaced).toBe(true);
    expect(second.backupPath).toBe(`${path}.rackpilot-20261124T101530-2.bak`);
    expect(first.backupPath).not.toBe(second.backupPath);
    expect(readFileSync(second.backupPath ?? '', 'utf8')).toBe(afterFirst);
    const after = parse(readFileSync(path, 'utf8'));
    expect(after.contexts.filter((c: { name: string }) => c.name === 'lab')).toHaveLength(1);
    expect(after.clusters.find((c: { name: string }) => c.name === 'lab').cluster.server).toBe('https://lb.lab:6443');
    expect(after.users).toHaveLength(3);
  });

  it('refuses a same-named context of another cluster, changing nothing and writing no backup', () => {
    const path = join(dir, 'config');
    const original = usersConfig().replace(/- name: prod\n {2}context:/, '- name: lab\n  context:');
    writeFileSync(path, original);
    const err = errorOf(() => mergeKubeconfig({ path, incoming: lab.yaml, contextName: 'lab', now: NOW }));
    expect(err.code).toBe('E_CONFLICT');
    expect(err.message).toContain('a context named "lab" that belongs to a different cluster (its cluster "prod" has a different CA)');
    expect(err.message).toContain(`kubectl --kubeconfig ${path} config rename-context lab lab-old`);
    expect(err.details).toEqual({ conflicts: [{ kind: 'context', name: 'lab', why: 'its cluster "prod" has a different CA' }] });
    expect(readFileSync(path, 'utf8')).toBe(original);
    expect(readdirSync(dir)).toEqual(['config']);
  });

  it('refuses cluster and user entries of the same name that another cluster owns', () => {
    const path = join(dir, 'config');
    const original = usersConfig().replace('- name: prod\n  cluster:', '- name: lab\n  cluster:').replace('- name: prod-admin', '- name: lab-admin');
    writeFileSync(path, original);
    const err = errorOf(() => mergeKubeconfig({ path, incoming: lab.yaml, contextName: 'lab', now: NOW }));
    expect(err.code).toBe('E_CONFLICT');
    expect((err.details as { conflicts: { kind: string }[] }).conflicts.map((c) => c.kind)).toEqual(['cluster', 'user']);
    expect(err.message).toContain("its client certificate was not issued by this cluster's CA");
    expect(readFileSync(path, 'utf8')).toBe(original);
  });

  it('leaves a corrupt file untouched and says where it is broken', () => {
    const path = join(dir, 'config');
    const broken = 'apiVersion: v1\nclusters:\n- name: a\n  cluster: {server: "https://x\n';
    writeFileSync(path, broken);
    const err = errorOf(() => mergeKubeconfig({ path, incoming: lab.yaml, contextName: 'lab', now: NOW }));
    expect(err.code).toBe('E_VALIDATION');
    expect(err.message).toMatch(new RegExp(`^${path} is not a kubeconfig Rackpilot can read \\(line \\d+: `));
    expect(readFileSync(path, 'utf8')).toBe(broken);
    expect(readdirSync(dir)).toEqual(['config']);

    writeFileSync(path, 'apiVersion: v1\nkind: Config\nclusters: oops\n');
    expect(errorOf(() => mergeKubeconfig({ path, incoming: lab.yaml, contextName: 'lab' })).message).toContain('"clusters" is not a list');
    expect(readdirSync(dir)).toEqual(['config']);
  });

  it('treats an empty file as an empty kubeconfig and follows a symlinked config', () => {
    const real = join(dir, 'dotfiles-kube-config');
    writeFileSync(real, '');
    mkdirSync(join(dir, '.kube'));
    const link = join(dir, '.kube', 'config');
    symlinkSync(real, link);
    const result = mergeKubeconfig({ path: link, incoming: lab.yaml, contextName: 'lab', now: NOW });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(result.backupPath).toBe(`${real}.rackpilot-20261124T101530.bak`);
    const kc = new KubeConfig();
    kc.loadFromString(readFileSync(link, 'utf8'));
    expect(kc.getCurrentContext()).toBe('lab');
  });

  it('merges into a kubeconfig written as JSON, keeping it JSON', () => {
    const path = join(dir, 'config');
    writeFileSync(path, JSON.stringify(parse(usersConfig()), null, 2));
    mergeKubeconfig({ path, incoming: lab.yaml, contextName: 'lab', now: NOW });
    const text = readFileSync(path, 'utf8');
    expect(JSON.parse(text).contexts).toHaveLength(3);
    const kc = new KubeConfig();
    kc.loadFromString(text);
    expect(kc.getContexts().map((c) => c.name)).toEqual(['prod', 'minikube', 'lab']);
    expect(kc.getCluster('lab')?.caData).toBe(b64(labCa.certPem));
  });

  it('refuses a relative path', () => {
    expect(errorOf(() => mergeKubeconfig({ path: 'kube/config', incoming: lab.yaml, contextName: 'lab' })).message).toContain('is relative');
  });
});
