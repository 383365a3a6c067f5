/**
 * A Kubernetes cluster as a person describes it (issue 7, DESIGN §7). One spec renders every
 * config that must agree (kubeadm, kubelet, containerd, the CNI manifest), so the rules about
 * those values live here, shared by the wizard's form and the core.
 */
import { z } from 'zod';
import { isHostname, isIPv4, isIPv6 } from './net';
import { nodeIdSchema } from './node-schema';

/**
 * Minor versions Rackpilot installs. kubeadm reads the v1beta4 config API only from 1.31 on
 * (kubernetes/kubernetes#125029), and every rendered config is v1beta4.
 */
export const KUBERNETES_MINORS = ['1.31', '1.32', '1.33', '1.34'] as const;
export type KubernetesMinor = (typeof KUBERNETES_MINORS)[number];
export const DEFAULT_KUBERNETES_MINOR: KubernetesMinor = '1.34';

export const CNI_PLUGINS = ['flannel', 'calico'] as const;
export type CniPlugin = (typeof CNI_PLUGINS)[number];
/** Each CNI's documented default, so a cluster built from defaults matches its upstream docs. */
export const DEFAULT_POD_CIDR: Record<CniPlugin, string> = { flannel: '10.244.0.0/16', calico: '192.168.0.0/16' };
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
export const DEFAULT_CRI_SOCKET = 'unix:///run/containerd/containerd.sock';
export const API_SERVER_PORT = 6443;
/** kube-controller-manager's --node-cidr-mask-size: each node gets a /24 of the pod network. */
export const NODE_POD_CIDR_PREFIX = 24;

// ---- IPv4 CIDRs (pod and service networks are IPv4-only for now) ----

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit number. */
  network: number;
  prefix: number;
  /** Canonical text, e.g. 10.244.0.0/16 */
  text: string;
}

const ipv4ToNumber = (ip: string): number => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const numberToIpv4 = (n: number): string => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0);

export function parseIpv4Cidr(input: string): { ok: true; cidr: Ipv4Cidr } | { ok: false; message: string } {
  const text = input.trim();
  const example = 'write it as address/prefix, e.g. 10.244.0.0/16';
  const [address = '', prefixText, extra] = text.split('/');
  if (isIPv6(address)) {
    return { ok: false, message: `"${text}" is IPv6: IPv6 and dual-stack clusters are not supported yet; ${example}` };
  }
  if (extra !== undefined || prefixText === undefined || !isIPv4(address) || !/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) {
    return { ok: false, message: `"${text}" is not an IPv4 network: ${example}` };
  }
  const prefix = Number(prefixText);
  const network = (ipv4ToNumber(address) & maskOf(prefix)) >>> 0;
  const canonical = `${numberToIpv4(network)}/${prefix}`;
  if (network !== ipv4ToNumber(address)) {
    return { ok: false, message: `"${text}" has host bits set: the network it names is ${canonical}; use that` };
  }
  return { ok: true, cidr: { network, prefix, text: canonical } };
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const mask = maskOf(Math.min(a.prefix, b.prefix));
  return ((a.network & mask) >>> 0) === ((b.network & mask) >>> 0);
}

/** False for anything that is not an IPv4 address (host names cannot be checked without DNS). */
export function cidrContainsAddress(cidr: Ipv4Cidr, address: string): boolean {
  return isIPv4(address) && ((ipv4ToNumber(address) & maskOf(cidr.prefix)) >>> 0) === cidr.network;
}

// ---- control-plane endpoint ----

export type EndpointResult = { ok: true; host: string; port: number; endpoint: string } | { ok: false; message: string };

/** host[:port] with host an IPv4 address, a DNS name or a [bracketed] IPv6 address; port defaults to 6443. */
export function parseEndpoint(input: string): EndpointResult {
  const text = input.trim().toLowerCase();
  const bad = (why: string): EndpointResult => ({
    ok: false,
    message: `"${input.trim()}" ${why}: use host or host:port, e.g. 192.168.1.50:6443 or k8s.lab:6443`,
  });
  let host = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
    if (!isIPv6(host)) return bad('has brackets around something that is not an IPv6 address');
  } else if (!isIPv6(text)) {
    const colon = text.lastIndexOf(':');
    if (colon !== -1) [host, portText] = [text.slice(0, colon), text.slice(colon + 1)];
    if (!isIPv4(host) && !isHostname(host)) return bad('is not an IP address or host name');
  }
  const port = portText === undefined ? API_SERVER_PORT : Number(portText);
  if (portText !== undefined && (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535)) return bad('has no valid port (1-65535)');
  return { ok: true, host, port, endpoint: `${isIPv6(host) ? `[${host}]` : host}:${port}` };
}

// ---- the spec ----

type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

function fromResult<T>(check: (value: string) => Checked<T>) {
  return z.string().transform((value, ctx): T => {
    const result = check(value);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  });
}

const cidrSchema = (label: string, rule: (cidr: Ipv4Cidr) => string | null) =>
  fromResult((value) => {
    const parsed = parseIpv4Cidr(value);
    if (!parsed.ok) return { ok: false, message: `${label}: ${parsed.message}` };
    const problem = rule(parsed.cidr);
    return problem ? { ok: false, message: `${label} ${parsed.cidr.text} ${problem}` } : { ok: true, value: parsed.cidr.text };
  });

const podCidrSchema = cidrSchema('Pod network', (c) =>
  c.prefix > NODE_POD_CIDR_PREFIX
    ? `is too small: every node gets a /${NODE_POD_CIDR_PREFIX} out of it, so it must be /${NODE_POD_CIDR_PREFIX} or larger, e.g. 10.244.0.0/16`
    : null,
);

const serviceCidrSchema = cidrSchema('Service network', (c) => {
  if (c.prefix < 12) return 'is too large: kube-apiserver accepts at most a /12 (about a million services), e.g. 10.96.0.0/12';
  // kubeadm hands CoreDNS the tenth address of the range.
  if (c.prefix > 28) return 'is too small: it needs at least 16 addresses (a /28), e.g. 10.96.0.0/12';
  return null;
});

const kubernetesMinorSchema = fromResult((value): Checked<KubernetesMinor> => {
  const text = value.trim().replace(/^v/, '');
  const minor = KUBERNETES_MINORS.find((m) => m === text);
  if (minor) return { ok: true, value: minor };
  const supported = `Rackpilot installs ${KUBERNETES_MINORS.join(', ')}`;
  if (/^\d+\.\d+\.\d+$/.test(text)) {
    return { ok: false, message: `Give the minor version only (e.g. ${text.split('.').slice(0, 2).join('.')}): the newest patch is installed. ${supported}` };
  }
  return { ok: false, message: `Kubernetes ${value.trim()} is not supported: ${supported}` };
});

const CGROUPFS_REFUSED =
  'The cgroupfs driver is not supported: on systemd hosts kubelet and containerd must both use the systemd driver, ' +
  'or two managers fight over the cgroups and kubelet becomes unstable under load. Use systemd.';

const cgroupDriverSchema = fromResult((value): Checked<'systemd'> => {
  const text = value.trim();
  if (text === 'systemd') return { ok: true, value: 'systemd' };
  return { ok: false, message: text === 'cgroupfs' ? CGROUPFS_REFUSED : `"${text}" is not a cgroup driver: use systemd` };
});

const criSocketSchema = z.string().trim().regex(/^unix:\/\/\/\S+$/, 'The CRI socket must be a unix:// URL, e.g. unix:///run/containerd/containerd.sock');

const endpointSchema = fromResult((value) => {
  const r = parseEndpoint(value);
  return r.ok ? { ok: true, value: r.endpoint } : r;
});

export const clusterSpecSchema = z
  .object({
    name: z.string().trim().min(1, 'Cluster name is required')
      .max(63, 'Cluster name is at most 63 characters (it names the kubeconfig context)')
      .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'Cluster name may use lower-case letters, digits and inner hyphens, e.g. lab-1'),
    kubernetesVersion: kubernetesMinorSchema.default(DEFAULT_KUBERNETES_MINOR),
    controlPlane: z.array(nodeIdSchema).min(1, 'Choose at least one control-plane node: it runs the API server and etcd'),
    workers: z.array(nodeIdSchema).default([]),
    /** host:port; when absent the first control plane's address:6443 is used (see resolveControlPlaneEndpoint). */
    controlPlaneEndpoint: endpointSchema.optional(),
    /** Defaults to the CNI's own default (see DEFAULT_POD_CIDR). */
    podCidr: podCidrSchema.optional(),
    serviceCidr: serviceCidrSchema.default(DEFAULT_SERVICE_CIDR),
    cni: z.enum(CNI_PLUGINS, { error: 'The pod network plugin (CNI) must be flannel or calico' }).default('flannel'),
    runtime: z
      .object({
        cgroupDriver: cgroupDriverSchema.default('systemd'),
        criSocket: criSocketSchema.default(DEFAULT_CRI_SOCKET),
      })
      .prefault({}),
  })
  .refine((spec) => spec.controlPlane.length <= 1 || Boolean(spec.controlPlaneEndpoint), {
    path: ['controlPlaneEndpoint'],
    message:
      'A cluster with more than one control plane needs a control-plane endpoint: a load-balanced address or a ' +
      'virtual IP in front of all API servers, so nodes keep working when one control plane is down. ' +
      'Enter it as host:port, e.g. 192.168.1.50:6443.',
    // Run even when unrelated fields are invalid, so the form shows this beside the others.
    when: (payload) => !payload.issues.some((i) => ['controlPlane', 'controlPlaneEndpoint'].includes(String(i.path?.[0]))),
  })
  .transform((spec) => ({ ...spec, podCidr: spec.podCidr ?? DEFAULT_POD_CIDR[spec.cni] }));

export type ClusterSpecInput = z.input<typeof clusterSpecSchema>;
export type ClusterSpec = z.output<typeof clusterSpecSchema>;

// ---- checks that need the inventory ----

/** The inventory facts a cluster check needs about a node. */
export interface ClusterNodeRef {
  id: string;
  name: string;
  address: string;
}

export type ClusterSpecIssueCode =
  | 'unknown-node' | 'duplicate-node' | 'node-in-both-roles' | 'node-without-address' | 'duplicate-node-name'
  | 'cidr-overlap' | 'cidr-contains-node' | 'cidr-contains-endpoint' | 'pod-cidr-too-small' | 'even-control-planes';

export interface ClusterSpecIssue {
  /** error: bootstrap would fail or the cluster would break; warning: works, but a choice to reconsider. */
  severity: 'error' | 'warning';
  code: ClusterSpecIssueCode;
  /** The spec field the issue belongs to, as in FieldIssue. */
  path: (string | number)[];
  message: string;
}

/** Kubernetes node names are lower-case DNS names; inventory names may carry capitals. */
export function kubernetesNodeName(name: string): string {
  return name.trim().toLowerCase();
}

/** The endpoint kubeadm and kubeconfigs use: the spec's, or the first control plane's address:6443. */
export function resolveControlPlaneEndpoint(spec: ClusterSpec, nodes: readonly ClusterNodeRef[]): EndpointResult {
  if (spec.controlPlaneEndpoint) return parseEndpoint(spec.controlPlaneEndpoint);
  const first = nodes.find((n) => n.id === spec.controlPlane[0]);
  if (!first?.address) {
    return { ok: false, message: 'The first control-plane node has no address yet: give it one, or set a control-plane endpoint' };
  }
  return parseEndpoint(isIPv6(first.address) ? `[${first.address}]` : first.address);
}

/** Cross-field and inventory checks the schema cannot do. Pure: the wizard runs it on every edit. */
export function checkClusterSpec(spec: ClusterSpec, nodes: readonly ClusterNodeRef[]): ClusterSpecIssue[] {
  const issues: ClusterSpecIssue[] = [];
  const add = (severity: ClusterSpecIssue['severity'], code: ClusterSpecIssueCode, path: (string | number)[], message: string) =>
    issues.push({ severity, code, path, message });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const label = (id: string) => byId.get(id)?.name ?? id;

  const members: { id: string; node: ClusterNodeRef; path: (string | number)[] }[] = [];
  const seen = new Map<string, 'controlPlane' | 'workers'>();
  for (const role of ['controlPlane', 'workers'] as const) {
    spec[role].forEach((id, index) => {
      const path = [role, index];
      const node = byId.get(id);
      if (!node) return add('error', 'unknown-node', path, `Node ${id} is not in the inventory (was it deleted?): remove it from the cluster`);
      const earlier = seen.get(id);
      if (earlier === role) return add('error', 'duplicate-node', path, `${node.name} is listed twice: remove one entry`);
      if (earlier) {
        return add('error', 'node-in-both-roles', path,
          `${node.name} is both a control plane and a worker: a control-plane node already runs a kubelet, so remove it from the workers`);
      }
      seen.set(id, role);
      members.push({ id, node, path });
      if (!node.address) add('error', 'node-without-address', path, `${node.name} has no address yet: wait for it to phone home, or enter its address`);
    });
  }

  const names = new Map<string, string>();
  for (const { id, node, path } of members) {
    const name = kubernetesNodeName(node.name);
    const other = names.get(name);
    if (other) add('error', 'duplicate-node-name', path, `${label(other)} and ${node.name} would both register as node "${name}": rename one`);
    else names.set(name, id);
  }

  const pod = parseIpv4Cidr(spec.podCidr);
  const service = parseIpv4Cidr(spec.serviceCidr);
  const networks = [
    ...(pod.ok ? [{ cidr: pod.cidr, field: 'podCidr', what: 'pod network' }] : []),
    ...(service.ok ? [{ cidr: service.cidr, field: 'serviceCidr', what: 'service network' }] : []),
  ];
  const endpoint = spec.controlPlaneEndpoint ? parseEndpoint(spec.controlPlaneEndpoint) : null;
  if (pod.ok && service.ok && cidrsOverlap(pod.cidr, service.cidr)) {
    add('error', 'cidr-overlap', ['serviceCidr'],
      `The service network ${service.cidr.text} overlaps the pod network ${pod.cidr.text}: pick ranges that do not share addresses, e.g. 10.96.0.0/12 and 10.244.0.0/16`);
  }
  for (const { cidr, field, what } of networks) {
    for (const { node } of members) {
      if (cidrContainsAddress(cidr, node.address)) {
        add('error', 'cidr-contains-node', [field],
          `The ${what} ${cidr.text} contains ${node.name}'s address ${node.address}: traffic to the node would be routed into the cluster. Pick a range your LAN does not use`);
      }
    }
    if (endpoint?.ok && cidrContainsAddress(cidr, endpoint.host)) {
      add('error', 'cidr-contains-endpoint', [field],
        `The ${what} ${cidr.text} contains the control-plane endpoint ${endpoint.host}: nodes could not reach the API server. Pick a range your LAN does not use`);
    }
  }
  if (pod.ok) {
    const room = 2 ** (NODE_POD_CIDR_PREFIX - pod.cidr.prefix);
    if (members.length > room) {
      add('error', 'pod-cidr-too-small', ['podCidr'],
        `The pod network ${pod.cidr.text} has room for ${room} node(s) (a /${NODE_POD_CIDR_PREFIX} each) but the cluster has ${members.length}: use a larger range, e.g. a /16`);
    }
  }

  if (spec.controlPlane.length % 2 === 0) {
    add('warning', 'even-control-planes', ['controlPlane'],
      `${spec.controlPlane.length} control planes tolerate no more failures than ${spec.controlPlane.length - 1}: etcd needs a majority to keep working. Use an odd number (1, 3 or 5)`);
  }
  return issues;
}
