/**
 * What the kubelet (and the pods it runs) leave on the node for the pods the API server bound to
 * it: projected token volumes, kube-proxy's chains, the CNI config and devices once the CNI pod
 * runs here. Applied idempotently on every agent tick; pods that left the node are cleaned up.
 */
import { join } from 'node:path';
import { calicoNetwork, flannelInstallCni, flannelNetwork, kubeProxyChains, mountPodVolume, podOnBridge, removePodDir } from './leftovers.mjs';
import { KUBELET_DIR, listDir } from './paths.mjs';

const running = (pod) => Boolean(pod.status?.containerStatuses?.[0]?.state?.running);
const isFlannel = (pod) => pod.metadata.labels?.app === 'flannel';
const isCalico = (pod) => pod.metadata.labels?.['k8s-app'] === 'calico-node';

/** Done once per agent process (the node keeps them); keys of what was applied. */
const applied = new Set();

function once(key, fn) {
  if (applied.has(key)) return;
  fn();
  applied.add(key);
}

/**
 * pods: the pods bound to this node; node: its Node object; flannelCfg: the kube-flannel-cfg
 * ConfigMap's data (or null); caCert: the cluster CA for the projected ca.crt.
 */
export function syncNode({ pods, node, nodeIp, flannelCfg, caCert }) {
  for (const pod of pods) {
    for (const volume of pod.spec.volumes ?? []) {
      if (!volume.projected) continue;
      once(`mount:${pod.metadata.uid}:${volume.name}`, () =>
        mountPodVolume(pod, volume.name, { 'ca.crt': caCert ?? '', namespace: pod.metadata.namespace, token: `stand-in-token.${pod.metadata.uid}` }),
      );
    }
  }
  if (pods.some((p) => p.metadata.labels?.['k8s-app'] === 'kube-proxy' && running(p))) once('kube-proxy', kubeProxyChains);

  const flannel = pods.find(isFlannel);
  const podCidr = node.spec?.podCIDR;
  if (flannel && flannelCfg?.['cni-conf.json']) once(`flannel-cni:${flannelCfg['cni-conf.json']}`, () => flannelInstallCni(flannelCfg['cni-conf.json']));
  if (flannel && running(flannel) && podCidr) {
    let network = '';
    try {
      network = JSON.parse(flannelCfg?.['net-conf.json'] ?? '{}').Network ?? '';
    } catch {
      network = '';
    }
    once(`flannel-net:${network}:${podCidr}`, () => flannelNetwork({ network, subnet: podCidr, nodeIp }));
    for (const pod of pods.filter((p) => !p.spec.hostNetwork && running(p))) {
      once(`bridge:${pod.metadata.uid}`, () => podOnBridge({ subnet: podCidr, podIp: pod.status?.podIP, containerId: pod.metadata.uid.replace(/-/g, '') }));
    }
  }
  const calico = pods.find(isCalico);
  if (calico && running(calico)) once('calico', () => calicoNetwork({ nodeIp, podCidr }));

  // Pods no longer bound here: the kubelet tears their volumes down.
  const current = new Set(pods.map((p) => p.metadata.uid));
  for (const uid of listDir(join(KUBELET_DIR, 'pods')).filter((d) => !current.has(d))) {
    removePodDir(uid);
    for (const key of [...applied].filter((k) => k.includes(uid))) applied.delete(key);
  }
}
