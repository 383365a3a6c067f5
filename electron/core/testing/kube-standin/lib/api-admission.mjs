/**
 * What the API server and its admission chain add to a new object: namespace phase and name
 * label, Service cluster IPs from the service range, Secret stringData, PersistentVolume phase,
 * node pod CIDRs, and CSRs approved and signed at once the way kube-controller-manager's
 * csrapproving + csrsigning controllers do for kubelet client certificates of bootstrapping nodes.
 */
import { addressAt, parseCidr } from './cidr.mjs';
import { allocatePodCidr } from './controllers.mjs';
import { rfc3339 } from './format.mjs';
import { T } from './scheduling.mjs';
import { ApiError } from './store.mjs';

const b64 = (s) => Buffer.from(s).toString('base64');

function clusterIp(store) {
  const cidr = parseCidr(store.meta.serviceCidr ?? '10.96.0.0/12');
  const used = new Set(store.list(T.Service).map((s) => s.spec?.clusterIP));
  for (let i = 100; i < 4000; i++) {
    const ip = addressAt(cidr, i);
    if (!used.has(ip)) return ip;
  }
  throw new ApiError(500, 'InternalError', 'Internal error occurred: failed to allocate a serviceIP: range is full');
}

function signRequest(store, csr, req) {
  const spec = csr.spec ?? {};
  const pem = Buffer.from(spec.request ?? '', 'base64').toString('utf8');
  if (!pem.includes('CERTIFICATE REQUEST')) throw new ApiError(422, 'Invalid', `CertificateSigningRequest.certificates.k8s.io "${csr.metadata?.name ?? ''}" is invalid: spec.request: Invalid value: []byte{...}: PEM block type must be CERTIFICATE REQUEST`);
  const approved = spec.signerName === 'kubernetes.io/kube-apiserver-client-kubelet' && req.signCsr;
  const status = { conditions: [] };
  if (approved) {
    const now = rfc3339();
    status.conditions.push({ type: 'Approved', status: 'True', reason: 'AutoApproved', message: 'Auto approving kubelet client certificate after SubjectAccessReview.', lastUpdateTime: now, lastTransitionTime: now });
    status.certificate = b64(req.signCsr(pem));
  }
  return {
    ...csr,
    spec: { ...spec, username: req.who.user, groups: req.who.groups, usages: spec.usages ?? ['digital signature', 'key encipherment', 'client auth'] },
    status,
  };
}

/** The object as stored on create. */
export function admit(store, type, obj, req) {
  const o = JSON.parse(JSON.stringify(obj));
  switch (type.kind) {
    case 'Namespace':
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
      o.spec = { finalizers: ['kubernetes'] };
      o.status = { phase: 'Active' };
      return o;
    case 'Node':
      allocatePodCidr(store, o);
      return o;
    case 'Service':
      o.spec = { type: 'ClusterIP', sessionAffinity: 'None', ...(o.spec ?? {}) };
      if (!o.spec.clusterIP) o.spec.clusterIP = clusterIp(store);
      o.spec.clusterIPs = o.spec.clusterIP === 'None' ? ['None'] : [o.spec.clusterIP];
      o.status = { loadBalancer: {} };
      return o;
    case 'Secret':
      if (o.stringData) {
        o.data = { ...(o.data ?? {}), ...Object.fromEntries(Object.entries(o.stringData).map(([k, v]) => [k, b64(String(v))])) };
        delete o.stringData;
      }
      o.type = o.type ?? 'Opaque';
      return o;
    case 'PersistentVolume':
      o.status = { phase: o.spec?.claimRef ? 'Bound' : 'Available' };
      return o;
    case 'PersistentVolumeClaim':
      o.status = { phase: 'Pending' };
      return o;
    case 'CertificateSigningRequest':
      return signRequest(store, o, req);
    case 'Pod':
      o.status = { phase: 'Pending', qosClass: 'BestEffort' };
      return o;
    default:
      return o;
  }
}
