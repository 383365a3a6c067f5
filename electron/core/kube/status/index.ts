/** Cluster status for the Clusters page (issue 7): nodes and kube-system pods from the API server, certificate expiry from kubeadm. */
export { readClusterStatus, type ClusterStatusReading } from './read-cluster-status';
export { certificatesFrom, readCertificates, type CertificateReading } from './read-certificates';
