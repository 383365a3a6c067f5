/**
 * Remote manifests the stand-in kubectl can "download" without a network: the pinned Tigera
 * operator release Rackpilot applies before a Calico Installation (the CRDs it needs and the
 * operator Deployment). Any other URL fails like an unresolvable host.
 */
const RELEASE = /^https:\/\/raw\.githubusercontent\.com\/projectcalico\/calico\/(v\d+\.\d+\.\d+)\/manifests\/(operator-crds|tigera-operator)\.yaml$/;

function crd(group, kind, plural, scope = 'Cluster', version = 'v1') {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      scope,
      versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
}

function operatorCrds() {
  return [
    crd('operator.tigera.io', 'Installation', 'installations'),
    crd('operator.tigera.io', 'APIServer', 'apiservers'),
    crd('operator.tigera.io', 'TigeraStatus', 'tigerastatuses'),
    crd('operator.tigera.io', 'ImageSet', 'imagesets'),
    crd('crd.projectcalico.org', 'IPPool', 'ippools'),
    crd('crd.projectcalico.org', 'FelixConfiguration', 'felixconfigurations'),
    crd('crd.projectcalico.org', 'BGPConfiguration', 'bgpconfigurations'),
    crd('crd.projectcalico.org', 'ClusterInformation', 'clusterinformations'),
  ];
}

function operator(version) {
  const ns = 'tigera-operator';
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { name: ns, 'pod-security.kubernetes.io/enforce': 'privileged' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'tigera-operator', namespace: ns } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'tigera-operator' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'tigera-operator' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'tigera-operator' }, subjects: [{ kind: 'ServiceAccount', name: 'tigera-operator', namespace: ns }],
    },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'tigera-operator', namespace: ns, labels: { 'k8s-app': 'tigera-operator' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { name: 'tigera-operator' } },
        template: {
          metadata: { labels: { name: 'tigera-operator', 'k8s-app': 'tigera-operator' } },
          spec: {
            hostNetwork: true, serviceAccountName: 'tigera-operator', dnsPolicy: 'ClusterFirstWithHostNet', nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: [{ effect: 'NoExecute', operator: 'Exists' }, { effect: 'NoSchedule', operator: 'Exists' }],
            containers: [{ name: 'tigera-operator', image: `quay.io/tigera/operator:${version === 'v3.31.3' ? 'v1.40.3' : 'v1.40.0'}`, command: ['operator'] }],
          },
        },
      },
    },
  ];
}

/** The objects at `url`, or null when the stand-in does not know the URL. */
export function knownManifest(url) {
  const m = RELEASE.exec(url);
  if (!m) return null;
  return m[2] === 'operator-crds' ? operatorCrds() : operator(m[1]);
}
