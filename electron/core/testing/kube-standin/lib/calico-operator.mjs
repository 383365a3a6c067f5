/**
 * The Tigera operator's part of a Calico install: once its Deployment runs and an Installation
 * named "default" exists, it creates the calico-system namespace with calico-node (a DaemonSet
 * on every node), calico-kube-controllers and calico-typha, and reports the Installation's status.
 */
import { T } from './scheduling.mjs';

const CALICO_VERSION = 'v3.31.3';
const INSTALLATION = { group: 'operator.tigera.io', plural: 'installations' };

function ensure(store, type, ns, name, body) {
  if (store.get(type, ns, name)) return;
  store.create(type, { ...body, metadata: { ...(body.metadata ?? {}), name, ...(ns ? { namespace: ns } : {}) } });
}

export function calicoOperator(store) {
  const installation = store.listAll(INSTALLATION.group, INSTALLATION.plural).find((i) => i.metadata.name === 'default');
  const operator = store.get(T.Deployment, 'tigera-operator', 'tigera-operator');
  if (!installation || !operator) return;
  const labels = (app) => ({ 'k8s-app': app, 'app.kubernetes.io/name': app });
  const template = (app, spec) => ({ metadata: { labels: labels(app) }, spec });
  ensure(store, T.Namespace, null, 'calico-system', { metadata: { labels: { name: 'calico-system', 'pod-security.kubernetes.io/enforce': 'privileged' } } });
  ensure(store, T.DaemonSet, 'calico-system', 'calico-node', {
    metadata: { labels: labels('calico-node') },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'calico-node' } },
      template: template('calico-node', {
        hostNetwork: true,
        priorityClassName: 'system-node-critical',
        serviceAccountName: 'calico-node',
        tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }, { operator: 'Exists', effect: 'NoExecute' }, { key: 'CriticalAddonsOnly', operator: 'Exists' }],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        initContainers: [{ name: 'install-cni', image: `quay.io/calico/cni:${CALICO_VERSION}` }],
        containers: [{ name: 'calico-node', image: `quay.io/calico/node:${CALICO_VERSION}` }],
      }),
    },
  });
  for (const [name, hostNetwork] of [['calico-typha', true], ['calico-kube-controllers', false]]) {
    ensure(store, T.Deployment, 'calico-system', name, {
      metadata: { labels: labels(name) },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'k8s-app': name } },
        template: template(name, {
          hostNetwork,
          serviceAccountName: name,
          tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          containers: [{ name, image: `quay.io/calico/${name === 'calico-typha' ? 'typha' : 'kube-controllers'}:${CALICO_VERSION}` }],
        }),
      },
    });
  }
  const type = store.types().find((t) => t.group === INSTALLATION.group && t.plural === INSTALLATION.plural);
  if (type) {
    store.mutate(type, null, 'default', (i) => {
      i.status = { calicoVersion: CALICO_VERSION, variant: 'Calico', computed: i.spec ?? {}, conditions: [{ type: 'Ready', status: 'True', reason: 'AllObjectsAvailable', message: 'All objects are available' }] };
    });
  }
}
