/**
 * The API's resource types: kind ↔ group/version/plural, scope, and the names kubectl accepts
 * (`kubectl api-resources`). Shared by the stand-in API server (routing) and kubectl (mapping).
 * CustomResourceDefinitions add their kinds at run time (see withCrds).
 */

/** [kind, groupVersion, plural, namespaced, shortNames] */
const BUILTIN = [
  ['Namespace', 'v1', 'namespaces', false, ['ns']],
  ['Node', 'v1', 'nodes', false, ['no']],
  ['Pod', 'v1', 'pods', true, ['po']],
  ['Service', 'v1', 'services', true, ['svc']],
  ['Endpoints', 'v1', 'endpoints', true, ['ep']],
  ['ConfigMap', 'v1', 'configmaps', true, ['cm']],
  ['Secret', 'v1', 'secrets', true, []],
  ['ServiceAccount', 'v1', 'serviceaccounts', true, ['sa']],
  ['PersistentVolume', 'v1', 'persistentvolumes', false, ['pv']],
  ['PersistentVolumeClaim', 'v1', 'persistentvolumeclaims', true, ['pvc']],
  ['Event', 'v1', 'events', true, ['ev']],
  ['DaemonSet', 'apps/v1', 'daemonsets', true, ['ds']],
  ['Deployment', 'apps/v1', 'deployments', true, ['deploy']],
  ['ReplicaSet', 'apps/v1', 'replicasets', true, ['rs']],
  ['StatefulSet', 'apps/v1', 'statefulsets', true, ['sts']],
  ['Job', 'batch/v1', 'jobs', true, []],
  ['CronJob', 'batch/v1', 'cronjobs', true, ['cj']],
  ['ClusterRole', 'rbac.authorization.k8s.io/v1', 'clusterroles', false, []],
  ['ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', 'clusterrolebindings', false, []],
  ['Role', 'rbac.authorization.k8s.io/v1', 'roles', true, []],
  ['RoleBinding', 'rbac.authorization.k8s.io/v1', 'rolebindings', true, []],
  ['CustomResourceDefinition', 'apiextensions.k8s.io/v1', 'customresourcedefinitions', false, ['crd', 'crds']],
  ['CertificateSigningRequest', 'certificates.k8s.io/v1', 'certificatesigningrequests', false, ['csr']],
  ['StorageClass', 'storage.k8s.io/v1', 'storageclasses', false, ['sc']],
  ['PriorityClass', 'scheduling.k8s.io/v1', 'priorityclasses', false, ['pc']],
  ['PodDisruptionBudget', 'policy/v1', 'poddisruptionbudgets', true, ['pdb']],
  ['NetworkPolicy', 'networking.k8s.io/v1', 'networkpolicies', true, ['netpol']],
  ['Ingress', 'networking.k8s.io/v1', 'ingresses', true, ['ing']],
  ['Lease', 'coordination.k8s.io/v1', 'leases', true, []],
  ['ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/v1', 'validatingwebhookconfigurations', false, []],
  ['MutatingWebhookConfiguration', 'admissionregistration.k8s.io/v1', 'mutatingwebhookconfigurations', false, []],
  ['APIService', 'apiregistration.k8s.io/v1', 'apiservices', false, []],
];

export const BUILTIN_TYPES = BUILTIN.map(([kind, groupVersion, plural, namespaced, shortNames]) => typeOf(kind, groupVersion, plural, namespaced, shortNames));

function typeOf(kind, groupVersion, plural, namespaced, shortNames = []) {
  const [group, version] = groupVersion.includes('/') ? groupVersion.split('/') : ['', groupVersion];
  return { kind, group, version, groupVersion, plural, singular: kind.toLowerCase(), namespaced, shortNames };
}

/** Resource types of the CRDs in `crds` (CustomResourceDefinition objects), then the built-in ones. */
export function withCrds(crds) {
  const custom = [];
  for (const crd of crds) {
    const { group, names = {}, scope, versions = [] } = crd.spec ?? {};
    for (const v of versions.filter((x) => x.served !== false)) {
      custom.push(typeOf(names.kind, `${group}/${v.name}`, names.plural, scope !== 'Cluster', names.shortNames ?? []));
    }
  }
  return [...BUILTIN_TYPES, ...custom];
}

/** The type of an object's apiVersion + kind, or null. */
export function typeForKind(types, apiVersion, kind) {
  return types.find((t) => t.groupVersion === apiVersion && t.kind === kind) ?? null;
}

/** What `kubectl get <name>` means: plural, singular, short name, kind, or "plural.group". */
export function typeForName(types, name) {
  const n = name.toLowerCase();
  const [base, ...groupParts] = n.split('.');
  const group = groupParts.join('.');
  return (
    types.find((t) => (t.plural === n || t.singular === n || t.shortNames.includes(n) || t.kind.toLowerCase() === n)) ??
    types.find((t) => group && t.group === group && (t.plural === base || t.singular === base)) ??
    null
  );
}

/** The URL path of a collection or an object of `type`. */
export function resourcePath(type, namespace, name) {
  const prefix = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  const ns = type.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${prefix}${ns}/${type.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

/** How kubectl names an object in its output: "daemonset.apps/kube-flannel-ds", "node/cp1". */
export function displayName(type, name) {
  return `${type.singular}${type.group ? `.${type.group}` : ''}/${name}`;
}
