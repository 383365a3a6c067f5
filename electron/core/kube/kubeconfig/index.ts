/** Kubeconfig for a cluster (issue 7): kubeadm's admin.conf renamed and re-pointed, and a safe merge into ~/.kube/config. */
export { adminUserName, clusterKubeconfig, serverUrl } from './cluster-kubeconfig';
export { mergeKubeconfig } from './merge-kubeconfig';
export type { MergeConflict } from './merge-conflicts';
