/**
 * The control loops of kube-controller-manager and kube-scheduler, run by the stand-in API
 * server before it answers: node IPAM and lifecycle, pod garbage collection, static (mirror)
 * pods, DaemonSets, Deployments → ReplicaSets → Pods, scheduling, pod status, and the Tigera
 * operator's Calico objects. Each pass converges the stored state to what those loops would have.
 */
import { parseCidr, subnetAt } from './cidr.mjs';
import { rfc3339 } from './format.mjs';
import { calicoOperator } from './calico-operator.mjs';
import { bootstrapSigner, systemObjects, tokenCleaner } from './system-controllers.mjs';
import { cniRole, podStatus } from './pod-status.mjs';
import { blockingTaints, conditionTaints, daemonTolerations, feasibleNodes, nodeReachable, readyCondition, T } from './scheduling.mjs';
import { daemonPodName, ownedBy, podFromTemplate, replicaPodName, staticPods, templateHash } from './workloads.mjs';

/** Gives a node its pod range (--allocate-node-cidrs with --cluster-cidr). */
export function allocatePodCidr(store, node) {
  const cluster = parseCidr(store.meta.clusterCidr ?? '');
  if (!cluster || node.spec?.podCIDR) return;
  const used = new Set(store.list(T.Node).map((n) => n.spec?.podCIDR).filter(Boolean));
  for (let i = 0; ; i++) {
    const sub = subnetAt(cluster, store.meta.nodeCidrMaskSize ?? 24, i);
    if (!sub) return;
    if (!used.has(sub.text)) {
      node.spec = { ...(node.spec ?? {}), podCIDR: sub.text, podCIDRs: [sub.text] };
      return;
    }
  }
}

function nodeLifecycle(store, now) {
  for (const node of store.list(T.Node)) {
    store.mutate(T.Node, null, node.metadata.name, (n) => {
      allocatePodCidr(store, n);
      const ready = readyCondition(n);
      if (ready && ready.status !== 'Unknown' && !nodeReachable(n, now)) {
        for (const c of n.status.conditions) {
          Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: rfc3339(new Date(now)) });
        }
      }
      const taints = conditionTaints(n, now);
      const withTime = taints.map((t) => (t.effect === 'NoExecute' && t.key.startsWith('node.kubernetes.io/') ? { ...t, timeAdded: (n.spec?.taints ?? []).find((o) => o.key === t.key && o.effect === t.effect)?.timeAdded ?? rfc3339(new Date(now)) } : t));
      n.spec = { ...(n.spec ?? {}) };
      if (withTime.length) n.spec.taints = withTime;
      else delete n.spec.taints;
    });
  }
}

/** Pods bound to nodes that no longer exist go (pod GC); their controllers make new ones. */
function podGc(store, nodeNames) {
  for (const pod of store.list(T.Pod)) {
    if (pod.spec.nodeName && !nodeNames.has(pod.spec.nodeName)) store.delete(T.Pod, pod.metadata.namespace, pod.metadata.name);
  }
}

function mirrorPods(store, nodes, version) {
  const wanted = new Map();
  for (const node of nodes.filter((n) => 'node-role.kubernetes.io/control-plane' in (n.metadata.labels ?? {}))) {
    for (const pod of staticPods(node, version)) wanted.set(pod.metadata.name, pod);
  }
  for (const pod of store.list(T.Pod, 'kube-system').filter((p) => p.metadata.annotations?.['kubernetes.io/config.mirror'])) {
    if (!wanted.delete(pod.metadata.name)) store.delete(T.Pod, 'kube-system', pod.metadata.name);
  }
  for (const pod of wanted.values()) store.create(T.Pod, pod);
}

function daemonSets(store, nodes, now) {
  for (const ds of store.list(T.DaemonSet)) {
    const ns = ds.metadata.namespace;
    const template = ds.spec?.template ?? {};
    const tolerations = daemonTolerations(template.spec ?? {});
    const selector = template.spec?.nodeSelector ?? {};
    const eligible = nodes.filter(
      (n) => Object.entries(selector).every(([k, v]) => n.metadata.labels?.[k] === v) && blockingTaints(n, tolerations, now).length === 0,
    );
    const pods = store.list(T.Pod, ns).filter((p) => ownedBy(p, ds));
    const hash = templateHash(template);
    for (const pod of pods) {
      const stale = pod.metadata.labels?.['controller-revision-hash'] !== hash;
      if (stale || !eligible.some((n) => n.metadata.name === pod.spec.nodeName)) store.delete(T.Pod, ns, pod.metadata.name);
    }
    const have = new Set(store.list(T.Pod, ns).filter((p) => ownedBy(p, ds)).map((p) => p.spec.nodeName));
    for (const node of eligible.filter((n) => !have.has(n.metadata.name))) {
      const labels = { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) };
      store.create(T.Pod, podFromTemplate({ name: daemonPodName(ds), namespace: ns, template, owner: ds, extraLabels: labels, nodeName: node.metadata.name, tolerations }));
    }
  }
}

function deployments(store) {
  for (const deploy of store.list(T.Deployment)) {
    const ns = deploy.metadata.namespace;
    const template = deploy.spec?.template ?? {};
    const hash = templateHash(template);
    const rsName = `${deploy.metadata.name}-${hash}`;
    for (const rs of store.list(T.ReplicaSet, ns).filter((r) => ownedBy(r, deploy) && r.metadata.name !== rsName)) {
      for (const pod of store.list(T.Pod, ns).filter((p) => ownedBy(p, rs))) store.delete(T.Pod, ns, pod.metadata.name);
      store.mutate(T.ReplicaSet, ns, rs.metadata.name, (r) => {
        r.spec.replicas = 0;
      });
    }
    const replicas = deploy.spec?.replicas ?? 1;
    const rsTemplate = { ...template, metadata: { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash } } };
    if (!store.get(T.ReplicaSet, ns, rsName)) {
      store.create(T.ReplicaSet, {
        metadata: { name: rsName, namespace: ns, labels: rsTemplate.metadata.labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deploy.metadata.name, uid: deploy.metadata.uid, controller: true, blockOwnerDeletion: true }] },
        spec: { replicas, selector: { matchLabels: rsTemplate.metadata.labels }, template: rsTemplate },
      });
    } else {
      store.mutate(T.ReplicaSet, ns, rsName, (r) => {
        r.spec.replicas = replicas;
      });
    }
  }
  for (const rs of store.list(T.ReplicaSet)) {
    const ns = rs.metadata.namespace;
    const pods = store.list(T.Pod, ns).filter((p) => ownedBy(p, rs));
    const want = rs.spec?.replicas ?? 1;
    for (const pod of pods.slice(want)) store.delete(T.Pod, ns, pod.metadata.name);
    for (let i = pods.length; i < want; i++) store.create(T.Pod, podFromTemplate({ name: replicaPodName(rs), namespace: ns, template: rs.spec.template, owner: rs }));
  }
}

/** kube-scheduler: binds pending pods to feasible nodes, spreading a workload's replicas. */
function schedule(store, nodes, now) {
  const unschedulable = new Map();
  for (const pod of store.list(T.Pod).filter((p) => !p.spec.nodeName)) {
    const { fit, message } = feasibleNodes(nodes, pod.spec, now);
    if (fit.length === 0) {
      unschedulable.set(`${pod.metadata.namespace}/${pod.metadata.name}`, message);
      continue;
    }
    const owner = pod.metadata.ownerReferences?.[0]?.uid;
    const load = (n) => store.list(T.Pod).filter((p) => p.spec.nodeName === n.metadata.name && (!owner || p.metadata.ownerReferences?.[0]?.uid === owner)).length;
    const target = [...fit].sort((a, b) => load(a) - load(b) || (a.metadata.name < b.metadata.name ? -1 : 1))[0];
    store.mutate(T.Pod, pod.metadata.namespace, pod.metadata.name, (p) => {
      p.spec.nodeName = target.metadata.name;
      p.status = { ...(p.status ?? {}), startTime: rfc3339(new Date(now)) };
    });
  }
  return unschedulable;
}

/**
 * flanneld reads net-conf.json when its container starts: a running one keeps the config it
 * started with, a crash-looping one reads the current ConfigMap on every restart. What each pod
 * started with is kept beside the objects (state.runtime, not visible through the API).
 */
function flannelConfFor(store, pod, current) {
  const runtime = (store.state.runtime ??= {});
  const entry = runtime[pod.metadata.uid];
  const running = Boolean(pod.status?.containerStatuses?.[0]?.state?.running);
  if (entry && running) return entry.netConf;
  runtime[pod.metadata.uid] = { netConf: current };
  return current;
}

export function effectiveFlannelConf(store, pod) {
  return store.state.runtime?.[pod.metadata.uid]?.netConf ?? store.get(T.ConfigMap, 'kube-flannel', 'kube-flannel-cfg')?.data?.['net-conf.json'] ?? null;
}

function podStatuses(store, nodes, now, unschedulable) {
  const byName = new Map(nodes.map((n) => [n.metadata.name, n]));
  const current = store.get(T.ConfigMap, 'kube-flannel', 'kube-flannel-cfg')?.data?.['net-conf.json'] ?? null;
  const pods = store.list(T.Pod);
  const uids = new Set(pods.map((p) => p.metadata.uid));
  for (const uid of Object.keys(store.state.runtime ?? {})) if (!uids.has(uid)) delete store.state.runtime[uid];
  const cniUp = new Set();
  const update = (pod, ctx) => {
    const status = podStatus(pod, { node: byName.get(pod.spec.nodeName) ?? null, now, unschedulable: unschedulable.get(`${pod.metadata.namespace}/${pod.metadata.name}`), ...ctx });
    store.mutate(T.Pod, pod.metadata.namespace, pod.metadata.name, (p) => {
      p.status = status;
    });
    return status;
  };
  // The CNI agents first: whether they run decides whether pod networking works on their node.
  for (const pod of pods.filter((p) => cniRole(p))) {
    const status = update(pod, { flannelConf: cniRole(pod) === 'flannel' ? flannelConfFor(store, pod, current) : null, cniRunning: () => false });
    if (status.containerStatuses?.[0]?.state?.running) cniUp.add(pod.spec.nodeName);
  }
  for (const pod of pods.filter((p) => !cniRole(p))) update(pod, { flannelConf: current, cniRunning: (n) => cniUp.has(n) });
}

const ready = (p) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

function workloadStatuses(store, nodes, now) {
  for (const ds of store.list(T.DaemonSet)) {
    const pods = store.list(T.Pod, ds.metadata.namespace).filter((p) => ownedBy(p, ds));
    const tolerations = daemonTolerations(ds.spec?.template?.spec ?? {});
    const desired = nodes.filter((n) => blockingTaints(n, tolerations, now).length === 0).length;
    const r = pods.filter(ready).length;
    store.mutate(T.DaemonSet, ds.metadata.namespace, ds.metadata.name, (d) => {
      d.status = { currentNumberScheduled: pods.length, desiredNumberScheduled: desired, numberAvailable: r, numberMisscheduled: 0, numberReady: r, observedGeneration: d.metadata.generation ?? 1, updatedNumberScheduled: pods.length, ...(desired - r > 0 ? { numberUnavailable: desired - r } : {}) };
    });
  }
  for (const rs of store.list(T.ReplicaSet)) {
    const pods = store.list(T.Pod, rs.metadata.namespace).filter((p) => ownedBy(p, rs));
    store.mutate(T.ReplicaSet, rs.metadata.namespace, rs.metadata.name, (x) => {
      x.status = { replicas: pods.length, fullyLabeledReplicas: pods.length, readyReplicas: pods.filter(ready).length, availableReplicas: pods.filter(ready).length, observedGeneration: x.metadata.generation ?? 1 };
    });
  }
  for (const deploy of store.list(T.Deployment)) {
    const rss = store.list(T.ReplicaSet, deploy.metadata.namespace).filter((r) => ownedBy(r, deploy));
    const pods = rss.flatMap((rs) => store.list(T.Pod, deploy.metadata.namespace).filter((p) => ownedBy(p, rs)));
    const r = pods.filter(ready).length;
    const want = deploy.spec?.replicas ?? 1;
    store.mutate(T.Deployment, deploy.metadata.namespace, deploy.metadata.name, (d) => {
      const available = r >= want;
      const since = d.status?.conditions?.find((c) => c.type === 'Available' && c.status === (available ? 'True' : 'False'))?.lastTransitionTime ?? rfc3339(new Date(now));
      d.status = {
        observedGeneration: d.metadata.generation ?? 1, replicas: pods.length, updatedReplicas: pods.length, readyReplicas: r, availableReplicas: r,
        ...(want - r > 0 ? { unavailableReplicas: want - r } : {}),
        conditions: [{ type: 'Available', status: available ? 'True' : 'False', reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', lastUpdateTime: since, lastTransitionTime: since }],
      };
      if (r === 0) delete d.status.readyReplicas;
      if (r === 0) delete d.status.availableReplicas;
    });
  }
}

/** The garbage collector: objects whose every owner is gone follow them (background cascading). */
function ownerGc(store) {
  for (let changed = true; changed; ) {
    changed = false;
    const uids = new Set(Object.values(store.state.objects).map((o) => o.metadata.uid));
    for (const [key, o] of Object.entries(store.state.objects)) {
      const refs = o.metadata.ownerReferences ?? [];
      if (refs.length > 0 && refs.every((r) => !uids.has(r.uid))) {
        delete store.state.objects[key];
        store.dirty = true;
        changed = true;
      }
    }
  }
}

/** One pass of every loop. */
export function reconcile(store, now = Date.now()) {
  systemObjects(store);
  tokenCleaner(store, now);
  bootstrapSigner(store, now);
  ownerGc(store);
  nodeLifecycle(store, now);
  const nodes = store.list(T.Node);
  podGc(store, new Set(nodes.map((n) => n.metadata.name)));
  mirrorPods(store, nodes, store.meta.kubernetesVersion);
  calicoOperator(store);
  daemonSets(store, nodes, now);
  deployments(store);
  const unschedulable = schedule(store, nodes, now);
  podStatuses(store, store.list(T.Node), now, unschedulable);
  workloadStatuses(store, nodes, now);
}
