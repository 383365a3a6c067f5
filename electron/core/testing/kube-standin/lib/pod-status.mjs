/**
 * What each pod's containers would be doing, from the cluster's state: the CNI pods decide from
 * their config (flannel's net-conf Network must contain the node's podCIDR — flannel's
 * AcquireLease, pkg/subnet/kube/kube.go), pod-network pods need their node's CNI pod running,
 * host-network pods need only a live kubelet. Also the container logs `kubectl logs` shows.
 */
import { contains, parseCidr } from './cidr.mjs';
import { klog, rfc3339 } from './format.mjs';
import { nodeReachable, nodeReady } from './scheduling.mjs';

const BACKOFF_STEP_MS = 10_000;

/** flannel on `node` with net-conf.json `netConf`: { ok } or { ok: false, error } as flanneld logs it. */
export function flannelVerdict(node, netConf) {
  let conf;
  try {
    conf = JSON.parse(netConf ?? '');
  } catch (e) {
    return { ok: false, error: `Failed to create SubnetManager: error parsing subnet config: ${e.message}` };
  }
  const network = parseCidr(conf.Network);
  if (!network) return { ok: false, error: `Failed to create SubnetManager: error parsing subnet config: invalid CIDR address: ${conf.Network ?? ''}` };
  const name = node.metadata.name;
  const podCidr = node.spec?.podCIDR;
  if (!podCidr) return { ok: false, error: `Error registering network: failed to acquire lease: node "${name}" pod cidr not assigned` };
  if (!contains(network, parseCidr(podCidr))) {
    return { ok: false, error: `Error registering network: failed to acquire lease: subnet "${conf.Network}" specified in the flannel net config doesn't contain "${podCidr}" PodCIDR of the "${name}" node` };
  }
  return { ok: true, network: conf.Network, backend: conf.Backend?.Type ?? 'vxlan' };
}

/** flanneld's log for a node: the real startup lines, ending in its lease error or "Running backend". */
export function flannelLog(node, verdict, started) {
  const name = node.metadata.name;
  const ip = nodeIp(node) ?? '';
  const at = (ms) => new Date(started + ms);
  const lines = [
    `${klog('I', 'main.go:211', at(0), 1)}CLI flags config: {etcdEndpoints:http://127.0.0.1:4001,http://127.0.0.1:2379 etcdPrefix:/coreos.com/network kubeSubnetMgr:true ifaceRegex:[] ipMasq:true ifaceCanReach: subnetFile:/run/flannel/subnet.env publicIP: publicIPv6: subnetLeaseRenewMargin:60 healthzIP:0.0.0.0 healthzPort:0 iptablesResyncSeconds:5 iptablesForwardRules:true netConfPath:/etc/kube-flannel/net-conf.json setNodeNetworkUnavailable:true}`,
    `${klog('W', 'client_config.go:618', at(1), 1)}Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work.`,
    `${klog('I', 'kube.go:139', at(8), 1)}Waiting 10m0s for node controller to sync`,
    `${klog('I', 'kube.go:469', at(8), 1)}Starting kube subnet manager`,
    `${klog('I', 'kube.go:146', at(1008), 1)}Node controller sync successful`,
    `${klog('I', 'main.go:231', at(1008), 1)}Created subnet manager: Kubernetes Subnet Manager - ${name}`,
    `${klog('I', 'main.go:234', at(1008), 1)}Installing signal handlers`,
    `${klog('I', 'main.go:468', at(1009), 1)}Found network config - Backend type: ${verdict.backend ?? 'vxlan'}`,
  ];
  if (!verdict.ok) {
    lines.push(`${klog('E', 'main.go:359', at(1009), 1)}${verdict.error}`, `${klog('I', 'main.go:448', at(1009), 1)}Stopping shutdownHandler...`);
    return lines;
  }
  lines.push(
    `${klog('I', 'match.go:211', at(1010), 1)}Determining IP address of default interface`,
    `${klog('I', 'match.go:264', at(1010), 1)}Using interface with name eth0 and address ${ip}`,
    `${klog('I', 'match.go:286', at(1010), 1)}Defaulting external address to interface address (${ip})`,
    `${klog('I', 'vxlan.go:141', at(1010), 1)}VXLAN config: VNI=1 Port=0 GBP=false Learning=false DirectRouting=false`,
    `${klog('I', 'main.go:348', at(1012), 1)}Setting up masking rules`,
    `${klog('I', 'main.go:369', at(1012), 1)}Changing default FORWARD chain policy to ACCEPT`,
    `${klog('I', 'iptables.go:51', at(1012), 1)}Starting flannel in iptables mode...`,
    `${klog('I', 'main.go:394', at(1013), 1)}Wrote subnet file to /run/flannel/subnet.env`,
    `${klog('I', 'main.go:398', at(1013), 1)}Running backend.`,
    `${klog('I', 'vxlan_network.go:65', at(1013), 1)}watching for new subnet leases`,
    `${klog('I', 'main.go:419', at(1013), 1)}Waiting for all goroutines to exit`,
  );
  return lines;
}

/** Which CNI a pod belongs to, if it is a CNI agent. */
export function cniRole(pod) {
  const labels = pod.metadata.labels ?? {};
  if (labels.app === 'flannel') return 'flannel';
  if (labels['k8s-app'] === 'calico-node') return 'calico';
  return null;
}

const nodeIp = (node) => (node.status?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address;

/** The address a pod gets: its node's for host-network pods, else one from the node's podCIDR. */
function podIp(pod, node) {
  if (pod.spec.hostNetwork) return nodeIp(node);
  const cidr = parseCidr(node.spec?.podCIDR ?? '');
  if (!cidr) return undefined;
  let h = 0;
  for (const c of pod.metadata.uid ?? pod.metadata.name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const n = cidr.network + 2 + (h % 250);
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function containerStatus(container, state, restartCount, started, extra = {}) {
  const base = { name: container.name, image: container.image, imageID: '', restartCount, started: state === 'running', ready: state === 'running' };
  const startedAt = rfc3339(new Date(started));
  if (state === 'running') return { ...base, containerID: `containerd://${extra.id ?? ''}`, state: { running: { startedAt } } };
  if (state === 'crash') {
    const backoff = Math.min(300, 10 * 2 ** Math.min(restartCount, 5));
    return {
      ...base,
      containerID: `containerd://${extra.id ?? ''}`,
      lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: rfc3339(new Date(started + (restartCount - 1) * BACKOFF_STEP_MS)), finishedAt: rfc3339(new Date(started + (restartCount - 1) * BACKOFF_STEP_MS + 1000)), containerID: `containerd://${extra.id ?? ''}` } },
      state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${backoff >= 60 ? `${Math.floor(backoff / 60)}m${backoff % 60}s` : `${backoff}s`} restarting failed container=${container.name} pod=${extra.pod}` } },
    };
  }
  return { ...base, state: { waiting: { reason: state === 'init' ? 'PodInitializing' : 'ContainerCreating' } } };
}

/**
 * The pod's status now. ctx: { node (or null), now, flannelConf (net-conf.json text or null),
 * cniRunning(nodeName) → boolean, unschedulable (scheduler message) }.
 */
export function podStatus(pod, ctx) {
  const { node, now } = ctx;
  const created = Date.parse(pod.metadata.creationTimestamp);
  const containers = pod.spec.containers ?? [];
  if (!node) {
    return {
      phase: 'Pending',
      qosClass: 'Burstable',
      conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: pod.metadata.creationTimestamp, reason: 'Unschedulable', message: ctx.unschedulable ?? '' }],
    };
  }
  const started = Math.max(created, Date.parse(pod.status?.startTime ?? pod.metadata.creationTimestamp));
  const id = (pod.metadata.uid ?? '').replace(/-/g, '').padEnd(64, '0').slice(0, 64);
  let state = 'running';
  let restartCount = 0;
  const role = cniRole(pod);
  if (!nodeReachable(node, now)) state = pod.status?.phase === 'Running' ? 'running' : 'creating';
  else if (role === 'flannel') {
    const verdict = flannelVerdict(node, ctx.flannelConf);
    if (!verdict.ok) {
      state = 'crash';
      restartCount = 1 + Math.floor((now - started) / BACKOFF_STEP_MS);
    }
  } else if (!pod.spec.hostNetwork && !pod.status?.containerStatuses?.[0]?.state?.running && !(nodeReady(node) && ctx.cniRunning(node.metadata.name))) {
    // A pod whose sandbox already has its network keeps running; a new one waits for the CNI.
    state = 'creating';
  }
  const statuses = containers.map((c) => containerStatus(c, state, restartCount, started, { id, pod: `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` }));
  const ready = state === 'running' && nodeReachable(node, now);
  const t = (s) => rfc3339(new Date(s));
  return {
    phase: state === 'creating' ? 'Pending' : 'Running',
    hostIP: nodeIp(node),
    hostIPs: [{ ip: nodeIp(node) }],
    ...(state === 'creating' ? {} : { podIP: podIp(pod, node), podIPs: [{ ip: podIp(pod, node) }] }),
    startTime: t(started),
    qosClass: 'Burstable',
    conditions: [
      { type: 'PodReadyToStartContainers', status: state === 'creating' ? 'False' : 'True', lastProbeTime: null, lastTransitionTime: t(started) },
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: t(started) },
      { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t(started), ...(ready ? {} : { reason: 'ContainersNotReady', message: `containers with unready status: [${containers.map((c) => c.name).join(' ')}]` }) },
      { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t(started), ...(ready ? {} : { reason: 'ContainersNotReady', message: `containers with unready status: [${containers.map((c) => c.name).join(' ')}]` }) },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: pod.metadata.creationTimestamp },
    ],
    containerStatuses: statuses,
  };
}

/** What `kubectl logs` prints for a pod's container. */
export function podLog(pod, ctx) {
  const started = Date.parse(pod.status?.startTime ?? pod.metadata.creationTimestamp);
  if (cniRole(pod) === 'flannel' && ctx.node) return flannelLog(ctx.node, flannelVerdict(ctx.node, ctx.flannelConf), started);
  const name = pod.metadata.labels?.['k8s-app'] ?? pod.metadata.labels?.component ?? pod.spec.containers?.[0]?.name ?? pod.metadata.name;
  if (name === 'kube-dns') {
    return ['.:53', '[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908', 'CoreDNS-1.12.1', 'linux/amd64, go1.24.1, 707c7c1'];
  }
  return [`${klog('I', 'server.go:150', new Date(started), 1)}Starting ${name}`];
}
