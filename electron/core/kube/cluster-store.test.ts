import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterSpecSchema } from '../../../shared/domain/cluster';
import type { Cluster } from '../../../shared/domain/cluster-record';
import { tempDir } from '../testing/temp-app';
import { ClusterStore } from './cluster-store';

const NODE_A = '11111111-1111-4111-8111-111111111111';

function cluster(name: string): Cluster {
  const now = new Date().toISOString();
  const spec = clusterSpecSchema.parse({ name, controlPlane: [NODE_A] });
  return { name, spec, state: 'draft', endpoint: null, hasKubeconfig: false, lastJobId: null, diagnoses: [], backups: [], rebuild: null, createdAt: now, updatedAt: now };
}

describe('ClusterStore', () => {
  it('keeps records and the kubeconfig private, and lists clusters by name', () => {
    const store = new ClusterStore(tempDir());
    store.write(cluster('lab-b'));
    store.write(cluster('lab-a'));
    expect(store.list().map((c) => c.name)).toEqual(['lab-a', 'lab-b']);
    expect(store.read('lab-a')?.spec.podCidr).toBe('10.244.0.0/16');
    store.writeKubeconfig('lab-a', 'apiVersion: v1\nkind: Config\n');
    expect(store.read('lab-a')?.hasKubeconfig).toBe(true);
    expect(statSync(join(store.folder('lab-a'), 'admin.conf')).mode & 0o777).toBe(0o600);
    expect(statSync(join(store.folder('lab-a'), 'cluster.json')).mode & 0o777).toBe(0o600);
    expect(statSync(store.folder('lab-a')).mode & 0o777).toBe(0o700);
  });

  it('says which file is damaged instead of dropping the cluster', () => {
    const store = new ClusterStore(tempDir());
    store.write(cluster('lab'));
    writeFileSync(join(store.folder('lab'), 'cluster.json'), '{ "name": ');
    expect(() => store.list()).toThrow(/cluster\.json is not valid JSON .*restore it/);
  });

  it('refuses names that could escape its folder', () => {
    const store = new ClusterStore(tempDir());
    expect(() => store.folder('../etc')).toThrow(/not a cluster name/);
  });

  it('forgets the record but keeps backups; new backup folders never collide', () => {
    const store = new ClusterStore(tempDir());
    store.write(cluster('lab'));
    const at = new Date('2026-11-24T08:00:00Z');
    const first = store.newBackupDir('lab', at);
    expect(first).toMatch(/backups\/20261124T080000Z$/);
    writeFileSync(join(store.folder('lab'), 'marker'), 'x');
    store.remove('lab');
    expect(store.read('lab')).toBeNull();
    expect(readFileSync(join(store.folder('lab'), 'marker'), 'utf8')).toBe('x');
  });
});
