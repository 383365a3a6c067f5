/**
 * The pod network add-on for a cluster, from the same spec as kubeadm's podSubnet, so the
 * "pod cidr not assigned" class of failures cannot be rendered.
 */
import type { ClusterSpec } from '../../../../shared/domain/cluster';
import { CALICO_OPERATOR_MANIFEST_URLS, renderCalicoInstallation } from './calico-installation';
import { renderFlannelManifest } from './flannel-manifest';

export interface CniManifest {
  plugin: ClusterSpec['cni'];
  /** Manifests to `kubectl create` before `manifest`, in order (calico's operator); empty for flannel. */
  prerequisiteUrls: string[];
  /** The YAML to apply once the control plane is up. */
  manifest: string;
}

export function renderCniManifest(spec: ClusterSpec): CniManifest {
  switch (spec.cni) {
    case 'flannel':
      return { plugin: 'flannel', prerequisiteUrls: [], manifest: renderFlannelManifest(spec) };
    case 'calico':
      return { plugin: 'calico', prerequisiteUrls: [...CALICO_OPERATOR_MANIFEST_URLS], manifest: renderCalicoInstallation(spec) };
  }
}
