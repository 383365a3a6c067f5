import { describe, expect, it } from 'vitest';
import { namespaceLosses, persistentVolumeLosses, secretLosses } from './losses';

// Shapes as `kubectl get … -o json` prints them (the local PV is the Kubernetes docs' example).
const pvList = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'nfs-share' },
      spec: { capacity: { storage: '20Gi' }, nfs: { server: '10.0.0.5', path: '/export/share' }, persistentVolumeReclaimPolicy: 'Retain' },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'example-pv' },
      spec: {
        capacity: { storage: '100Gi' },
        volumeMode: 'Filesystem',
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'local-storage',
        local: { path: '/mnt/disks/ssd1' },
        claimRef: { namespace: 'shop', name: 'db-data' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-2'] }] }] } },
      },
    },
    { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'scratch' }, spec: { capacity: { storage: '1Gi' }, hostPath: { path: '/data/scratch' } } },
    { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'csi-vol' }, spec: { capacity: { storage: '5Gi' }, csi: { driver: 'rook-ceph.rbd.csi.ceph.com' } } },
  ],
};

describe('teardown losses', () => {
  it('lists every PV, the ones on a node disk first, saying the data is not in the backup', () => {
    const losses = persistentVolumeLosses(pvList);
    expect(losses.map((l) => l.name)).toEqual(['example-pv', 'scratch', 'csi-vol', 'nfs-share']);
    expect(losses[0]).toEqual({
      kind: 'persistent-volume',
      name: 'example-pv',
      detail: "100Gi local volume on node-2:/mnt/disks/ssd1, claimed by shop/db-data (its data lives on the node's disk: the backup does not keep it and an OS reinstall erases it)",
    });
    expect(losses[1]?.detail).toMatch(/^1Gi hostPath \/data\/scratch \(its data lives on the node's disk/);
    expect(losses[2]?.detail).toContain('CSI rook-ceph.rbd.csi.ceph.com');
    expect(losses[3]?.detail).toContain('the data stays on the NFS server');
  });

  it("lists a person's Secrets by namespace/name, not the tokens Kubernetes mints", () => {
    const secrets = {
      items: [
        { metadata: { namespace: 'shop', name: 'db-password' }, type: 'Opaque' },
        { metadata: { namespace: 'kube-system', name: 'bootstrap-token-abcdef' }, type: 'bootstrap.kubernetes.io/token' },
        { metadata: { namespace: 'kube-system', name: 'kubeadm-certs' }, type: 'Opaque' },
        { metadata: { namespace: 'default', name: 'legacy-sa-token' }, type: 'kubernetes.io/service-account-token' },
        { metadata: { namespace: 'apps', name: 'registry' }, type: 'kubernetes.io/dockerconfigjson' },
        { metadata: { namespace: 'kube-system', name: 'my-own' }, type: 'Opaque' },
      ],
    };
    expect(secretLosses(secrets)).toEqual([
      { kind: 'secret', name: 'apps/registry', detail: 'kubernetes.io/dockerconfigjson in namespace apps' },
      { kind: 'secret', name: 'kube-system/my-own', detail: 'Opaque in namespace kube-system' },
      { kind: 'secret', name: 'shop/db-password', detail: 'Opaque in namespace shop' },
    ]);
  });

  it('lists namespaces beyond the ones kubeadm and the CNI bring', () => {
    const names = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'kube-flannel', 'shop', 'apps'];
    expect(namespaceLosses({ items: names.map((name) => ({ metadata: { name } })) }).map((l) => l.name)).toEqual(['apps', 'shop']);
  });

  it('reads nothing from output that is not a list', () => {
    expect(persistentVolumeLosses(null)).toEqual([]);
    expect(secretLosses({ kind: 'Status' })).toEqual([]);
    expect(namespaceLosses('nope')).toEqual([]);
  });
});
