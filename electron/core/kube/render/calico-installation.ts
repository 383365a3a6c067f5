/**
 * Calico through the Tigera operator. The operator's own manifests (CRDs and Deployment, several
 * thousand lines) are too large to embed: they are applied first, from the pinned release's URLs
 * below (how they reach the cluster is the orchestration's choice). What must agree with the spec
 * is the Installation resource, rendered here with ipPools[0].cidr = spec.podCidr.
 * Format: projectcalico/calico manifests/custom-resources.yaml and
 * https://docs.tigera.io/calico/latest/reference/installation/api#installation
 */
import type { ClusterSpec } from '../../../../shared/domain/cluster';
import { renderYamlDocuments, type YamlDocument } from './yaml-documents';

export const CALICO_VERSION = 'v3.31.3';
const RELEASE = `https://raw.githubusercontent.com/projectcalico/calico/${CALICO_VERSION}/manifests`;
/** Apply in this order with `kubectl create` (the CRDs are too large for client-side apply). */
export const CALICO_OPERATOR_MANIFEST_URLS = [`${RELEASE}/operator-crds.yaml`, `${RELEASE}/tigera-operator.yaml`] as const;

/** Each node takes /26 blocks of the pool as it needs them, so the pool must be a /26 or larger. */
export const CALICO_BLOCK_SIZE = 26;

export function renderCalicoInstallation(spec: ClusterSpec): string {
  const documents: YamlDocument[] = [
    {
      apiVersion: 'operator.tigera.io/v1',
      kind: 'Installation',
      metadata: { name: 'default' },
      spec: {
        calicoNetwork: {
          ipPools: [
            {
              name: 'default-ipv4-ippool',
              blockSize: CALICO_BLOCK_SIZE,
              cidr: spec.podCidr,
              // VXLAN only between subnets: works on a flat LAN and across routers, without BGP peering.
              encapsulation: 'VXLANCrossSubnet',
              natOutgoing: 'Enabled',
              nodeSelector: 'all()',
            },
          ],
        },
      },
    },
    { apiVersion: 'operator.tigera.io/v1', kind: 'APIServer', metadata: { name: 'default' }, spec: {} },
  ];
  const header = [
    `Calico ${CALICO_VERSION} Installation for cluster ${spec.name}, rendered by Rackpilot (pod network ${spec.podCidr}).`,
    'The Tigera operator is not in this file: apply these first, in order, then this file:',
    ...CALICO_OPERATOR_MANIFEST_URLS.map((url) => `  ${url}`),
  ].join('\n');
  return renderYamlDocuments(documents, header);
}
