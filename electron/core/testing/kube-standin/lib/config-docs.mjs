/**
 * Reading a kubeadm --config file into its documents, as kubeadm's scheme does: every YAML
 * document needs apiVersion and kind, kubeadm.k8s.io/v1beta4 is current, v1beta3 is deprecated
 * (a warning), older versions are refused, unknown fields are strict-decoding errors (fatal for
 * `config validate`, warnings for init/join — cmd/kubeadm/app/util/config/strict).
 */
import YAML from 'yaml';

export const KUBEADM_GROUP = 'kubeadm.k8s.io';
const KUBEADM_KINDS = ['InitConfiguration', 'ClusterConfiguration', 'JoinConfiguration', 'ResetConfiguration', 'UpgradeConfiguration'];
const COMPONENT_KINDS = {
  'kubelet.config.k8s.io/v1beta1': ['KubeletConfiguration'],
  'kubeproxy.config.k8s.io/v1alpha1': ['KubeProxyConfiguration'],
};

const ARG_LIST = { '[]': { name: null, value: null } };
const EXTRA = { extraArgs: ARG_LIST, extraVolumes: null, extraEnvs: null };
const NODE_REGISTRATION = {
  name: null, criSocket: null, taints: null, kubeletExtraArgs: ARG_LIST, ignorePreflightErrors: null, imagePullPolicy: null, imagePullSerial: null,
};
const ENDPOINT = { advertiseAddress: null, bindPort: null };
/** The v1beta4 fields kubeadm decodes strictly (null: not descended into). */
const FIELDS = {
  InitConfiguration: {
    bootstrapTokens: null, dryRun: null, nodeRegistration: NODE_REGISTRATION, localAPIEndpoint: ENDPOINT, certificateKey: null,
    skipPhases: null, patches: null, timeouts: null,
  },
  ClusterConfiguration: {
    etcd: null, networking: { serviceSubnet: null, podSubnet: null, dnsDomain: null }, kubernetesVersion: null, controlPlaneEndpoint: null,
    apiServer: { ...EXTRA, certSANs: null }, controllerManager: EXTRA, scheduler: EXTRA, dns: null, proxy: null, certificatesDir: null,
    imageRepository: null, featureGates: null, clusterName: null, encryptionAlgorithm: null, certificateValidityPeriod: null,
    caCertificateValidityPeriod: null,
  },
  JoinConfiguration: {
    dryRun: null, nodeRegistration: NODE_REGISTRATION, caCertPath: null, skipPhases: null, patches: null, timeouts: null,
    discovery: {
      bootstrapToken: { token: null, apiServerEndpoint: null, caCertHashes: null, unsafeSkipCAVerification: null },
      file: null, tlsBootstrapToken: null,
    },
    controlPlane: { localAPIEndpoint: ENDPOINT, certificateKey: null },
  },
};

/** Unknown field paths of `value` against `shape` ("networking.podCIDR"). */
function unknownFields(value, shape, prefix = '') {
  if (!shape || typeof value !== 'object' || value === null) return [];
  if (shape['[]']) return Array.isArray(value) ? value.flatMap((v) => unknownFields(v, shape['[]'], prefix)) : [];
  if (Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    if (!(k in shape)) return [path];
    return unknownFields(v, shape[k], path);
  });
}

/** Go's %#v of a GroupVersionKind, as kubeadm's strict-decoding messages print it. */
const gvkText = (group, version, kind) => `schema.GroupVersionKind{Group:"${group}", Version:"${version}", Kind:"${kind}"}`;

/**
 * The documents of a config file: [{ apiVersion, group, version, kind, body }], plus strict-decoding
 * problems (`strict`) and deprecation `warnings`. Throws Error(message) for what kubeadm refuses outright.
 */
export function readDocuments(text) {
  const docs = [];
  const strict = [];
  const warnings = [];
  const parsed = YAML.parseAllDocuments(text);
  for (const d of Array.isArray(parsed) ? parsed : [parsed]) {
    if (d.errors?.length) throw new Error(`error converting YAML to JSON: yaml: ${d.errors[0].message.split('\n')[0]}`);
    const body = d.toJS();
    if (body === null || body === undefined) continue;
    if (typeof body !== 'object' || Array.isArray(body)) throw new Error(`couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(body) ? 'array' : 'string'} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
    const json = JSON.stringify(body);
    if (!body.kind) throw new Error(`Object 'Kind' is missing in '${json}'`);
    if (!body.apiVersion) throw new Error(`Object 'apiVersion' is missing in '${json}'`);
    const [group, version] = String(body.apiVersion).includes('/') ? String(body.apiVersion).split('/') : ['', body.apiVersion];
    const { kind } = body;
    if (group === KUBEADM_GROUP) {
      if (!KUBEADM_KINDS.includes(kind)) {
        throw new Error(`no kind "${kind}" is registered for version "${body.apiVersion}" in scheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"`);
      }
      if (version === 'v1beta3') {
        warnings.push(`your configuration file uses a deprecated API spec: "${body.apiVersion}" (kind: "${kind}"). Please use 'kubeadm config migrate --old-config old-config-file --new-config new-config-file', which will write the new, similar spec using a newer API version.`);
      } else if (version !== 'v1beta4') {
        throw new Error(`your configuration file uses an old API spec: "${body.apiVersion}" (kind: "${kind}"). Please use kubeadm v1.22 instead and run 'kubeadm config migrate --old-config old.yaml --new-config new.yaml', which will write the new, similar spec using a newer API version.`);
      }
      if (version === 'v1beta4' && FIELDS[kind]) {
        const rest = Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'apiVersion' && k !== 'kind'));
        for (const field of unknownFields(rest, FIELDS[kind])) {
          strict.push(`error unmarshaling configuration ${gvkText(group, version, kind)}: strict decoding error: unknown field "${field}"`);
        }
        for (const where of [['nodeRegistration', 'kubeletExtraArgs'], ['apiServer', 'extraArgs'], ['controllerManager', 'extraArgs'], ['scheduler', 'extraArgs']]) {
          const v = body[where[0]]?.[where[1]];
          if (v !== undefined && v !== null && !Array.isArray(v)) {
            throw new Error(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go struct field ${where[0] === 'nodeRegistration' ? 'NodeRegistrationOptions' : 'ControlPlaneComponent'}.${where.join('.')} of type []v1beta4.Arg`);
          }
        }
      }
    } else if (COMPONENT_KINDS[body.apiVersion]) {
      if (!COMPONENT_KINDS[body.apiVersion].includes(kind)) {
        throw new Error(`no kind "${kind}" is registered for version "${body.apiVersion}" in scheme "pkg/runtime/scheme.go:100"`);
      }
    } else {
      // kubeadm skips documents of groups it does not know, with a warning.
      warnings.push(`[config] WARNING: Ignored configuration document with GroupVersionKind ${body.apiVersion}, Kind=${kind}`);
      continue;
    }
    docs.push({ apiVersion: body.apiVersion, group, version, kind, body });
  }
  return { docs, strict, warnings };
}

/** Arguments of extraArgs/kubeletExtraArgs as a map, whatever the API version wrote them as. */
export function argMap(value) {
  if (Array.isArray(value)) return Object.fromEntries(value.map((a) => [a?.name, String(a?.value ?? '')]));
  return value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) : {};
}
