/**
 * The kube-flannel manifest with its pod network taken from the cluster spec. Mirrors upstream's
 * release manifest for the pinned version (flannel-io/flannel, Documentation/kube-flannel.yml):
 * namespace, RBAC, the ConfigMap whose net-conf.json "Network" must equal kubeadm's podSubnet,
 * and the DaemonSet. Upgrading flannel means bumping both image constants together.
 */
import type { ClusterSpec } from '../../../../shared/domain/cluster';
import { renderYamlDocuments, type YamlDocument } from './yaml-documents';

export const FLANNEL_VERSION = 'v0.27.4';
export const FLANNEL_IMAGE = `ghcr.io/flannel-io/flannel:${FLANNEL_VERSION}`;
export const FLANNEL_CNI_PLUGIN_IMAGE = 'ghcr.io/flannel-io/flannel-cni-plugin:v1.8.0-flannel1';
export const FLANNEL_NAMESPACE = 'kube-flannel';
/** VXLAN over UDP 8472: works on any L2/L3 network without BGP; preflight checks the port. */
export const FLANNEL_BACKEND = 'vxlan';

const labels = { app: 'flannel', 'k8s-app': 'flannel', tier: 'node' };

/** cni-conf.json is installed on every node as /etc/cni/net.d/10-flannel.conflist. */
const CNI_CONF = {
  name: 'cbr0',
  cniVersion: '0.3.1',
  plugins: [
    { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
    { type: 'portmap', capabilities: { portMappings: true } },
  ],
};

export function flannelNetConf(spec: ClusterSpec): { Network: string; EnableNFTables: boolean; Backend: { Type: string } } {
  return { Network: spec.podCidr, EnableNFTables: false, Backend: { Type: FLANNEL_BACKEND } };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const hostPath = (name: string, path: string, type?: string) => ({ name, hostPath: type ? { path, type } : { path } });
const copy = (name: string, image: string, from: string, to: string, mounts: { name: string; mountPath: string }[]) => ({
  name,
  image,
  command: ['cp'],
  args: ['-f', from, to],
  volumeMounts: mounts,
});

export function renderFlannelManifest(spec: ClusterSpec): string {
  const metadata = (name: string, extra: Record<string, string> = {}) => ({ name, namespace: FLANNEL_NAMESPACE, labels: { 'k8s-app': 'flannel', ...extra } });
  const documents: YamlDocument[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      // flannel runs privileged on the host network; the restricted default would refuse its pods.
      metadata: { name: FLANNEL_NAMESPACE, labels: { 'k8s-app': 'flannel', 'pod-security.kubernetes.io/enforce': 'privileged' } },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata('flannel') },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'flannel', labels: { 'k8s-app': 'flannel' } },
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'flannel', labels: { 'k8s-app': 'flannel' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'flannel' },
      subjects: [{ kind: 'ServiceAccount', name: 'flannel', namespace: FLANNEL_NAMESPACE }],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata('kube-flannel-cfg', { app: 'flannel', tier: 'node' }),
      data: { 'cni-conf.json': json(CNI_CONF), 'net-conf.json': json(flannelNetConf(spec)) },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: metadata('kube-flannel-ds', { app: 'flannel', tier: 'node' }),
      spec: {
        selector: { matchLabels: { app: 'flannel', 'k8s-app': 'flannel' } },
        template: {
          metadata: { labels },
          spec: {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }],
                },
              },
            },
            hostNetwork: true,
            priorityClassName: 'system-node-critical',
            serviceAccountName: 'flannel',
            // Runs on control planes too: without it their pods would have no network.
            tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }],
            initContainers: [
              copy('install-cni-plugin', FLANNEL_CNI_PLUGIN_IMAGE, '/flannel', '/opt/cni/bin/flannel', [{ name: 'cni-plugin', mountPath: '/opt/cni/bin' }]),
              copy('install-cni', FLANNEL_IMAGE, '/etc/kube-flannel/cni-conf.json', '/etc/cni/net.d/10-flannel.conflist', [
                { name: 'cni', mountPath: '/etc/cni/net.d' },
                { name: 'flannel-cfg', mountPath: '/etc/kube-flannel/' },
              ]),
            ],
            containers: [
              {
                name: 'kube-flannel',
                image: FLANNEL_IMAGE,
                command: ['/opt/bin/flanneld'],
                // --kube-subnet-mgr: each node's subnet is the podCIDR kube-controller-manager assigned it.
                args: ['--ip-masq', '--kube-subnet-mgr'],
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  { name: 'EVENT_QUEUE_DEPTH', value: '5000' },
                  { name: 'CONT_WHEN_CACHE_NOT_READY', value: 'false' },
                ],
                resources: { requests: { cpu: '100m', memory: '50Mi' } },
                securityContext: { privileged: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
                volumeMounts: [
                  { name: 'run', mountPath: '/run/flannel' },
                  { name: 'flannel-cfg', mountPath: '/etc/kube-flannel/' },
                  { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
                ],
              },
            ],
            volumes: [
              hostPath('run', '/run/flannel'),
              hostPath('cni-plugin', '/opt/cni/bin'),
              hostPath('cni', '/etc/cni/net.d'),
              { name: 'flannel-cfg', configMap: { name: 'kube-flannel-cfg' } },
              hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'),
            ],
          },
        },
      },
    },
  ];
  return renderYamlDocuments(documents, `flannel ${FLANNEL_VERSION} for cluster ${spec.name}, rendered by Rackpilot (pod network ${spec.podCidr})`);
}
