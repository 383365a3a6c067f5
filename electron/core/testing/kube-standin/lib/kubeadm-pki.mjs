/**
 * kubeadm's certs and kubeconfig phases: the cluster's PKI under /etc/kubernetes/pki (CAs for
 * the cluster, front proxy and etcd; serving and client certificates with kubeadm's subjects and
 * SANs; the service-account key pair) and the kubeconfig files with embedded credentials.
 */
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addressAt } from './cidr.mjs';
import { out } from './cli.mjs';
import { buildKubeconfig } from './kubeconfig.mjs';
import { KUBELET_PKI, KUBERNETES_DIR, PKI_DIR } from './paths.mjs';
import { newCa, newCert, newKey, publicKeyPem, readPair, writePair, writePem } from './pki.mjs';

const isIp = (s) => /^[\d.]+$/.test(s) || s.includes(':');
const sorted = (list) => [...new Set(list)].sort();

/** kubeadm's apiserver SANs (GetAPIServerAltNames), sorted as it prints them. */
export function apiserverSans({ nodeName, advertise, endpointHost, serviceCidr, dnsDomain, certSANs = [] }) {
  const names = [nodeName, 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${dnsDomain}`];
  const ips = [addressAt(serviceCidr, 1), advertise];
  for (const extra of [endpointHost, ...certSANs].filter(Boolean)) (isIp(extra) ? ips : names).push(extra);
  return { dns: sorted(names), ip: sorted(ips) };
}

function leaf(caName, name, who, options, announce) {
  out(`[certs] Generating "${name}" certificate and key`);
  const ca = readPair(PKI_DIR, caName);
  const pair = newCert(ca, who, options);
  writePair(PKI_DIR, name, pair);
  if (announce && options.sans) out(`[certs] ${name} serving cert is signed for DNS names [${options.sans.dns.join(' ')}] and IPs [${options.sans.ip.join(' ')}]`);
}

function ca(name, cn) {
  out(`[certs] Generating "${name}" certificate and key`);
  writePair(PKI_DIR, name, newCa(cn));
}

/** The node-specific certificates (made on every control plane, from the shared CAs). */
function nodeCerts(ctx) {
  const apiSans = apiserverSans(ctx);
  leaf('ca', 'apiserver', { cn: 'kube-apiserver' }, { usages: 'server', sans: apiSans }, true);
  leaf('ca', 'apiserver-kubelet-client', { cn: 'kube-apiserver-kubelet-client', org: ['kubeadm:cluster-admins'] }, { usages: 'client' });
  if (ctx.withFrontProxyCa) ca('front-proxy-ca', 'front-proxy-ca');
  leaf('front-proxy-ca', 'front-proxy-client', { cn: 'front-proxy-client' }, { usages: 'client' });
  if (ctx.withEtcdCa) ca('etcd/ca', 'etcd-ca');
  const etcdSans = { dns: sorted([ctx.nodeName, 'localhost']), ip: [ctx.advertise, '127.0.0.1', '::1'] };
  leaf('etcd/ca', 'etcd/server', { cn: ctx.nodeName }, { usages: 'both', sans: etcdSans }, true);
  leaf('etcd/ca', 'etcd/peer', { cn: ctx.nodeName }, { usages: 'both', sans: etcdSans }, true);
  leaf('etcd/ca', 'etcd/healthcheck-client', { cn: 'kube-etcd-healthcheck-client' }, { usages: 'client' });
  leaf('etcd/ca', 'apiserver-etcd-client', { cn: 'kube-apiserver-etcd-client' }, { usages: 'client' });
}

/** The whole PKI of `kubeadm init`. ctx: { nodeName, advertise, endpointHost, serviceCidr, dnsDomain, certSANs }. */
export function initPki(ctx) {
  out('[certs] Using certificateDir folder "/etc/kubernetes/pki"');
  mkdirSync(join(PKI_DIR, 'etcd'), { recursive: true });
  ca('ca', 'kubernetes');
  nodeCerts({ ...ctx, withFrontProxyCa: true, withEtcdCa: true });
  out('[certs] Generating "sa" key and public key');
  const sa = newKey();
  writePem(join(PKI_DIR, 'sa.key'), sa, true);
  writePem(join(PKI_DIR, 'sa.pub'), publicKeyPem(sa));
}

/** A joining control plane's certificates, made from the CAs it downloaded. */
export function joinPki(ctx) {
  out('[certs] Using certificateDir folder "/etc/kubernetes/pki"');
  nodeCerts({ ...ctx, withFrontProxyCa: false, withEtcdCa: false });
  out('[certs] Valid certificates and keys now exist in "/etc/kubernetes/pki"');
  out('[certs] Using the existing "sa" key');
}

/** The shared secrets `upload-certs` stores and a control-plane join downloads. */
export const SHARED_CERTS = ['ca.crt', 'ca.key', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'etcd/ca.crt', 'etcd/ca.key', 'sa.key', 'sa.pub'];

/** Secret data key of a shared file, as kubeadm names them ("etcd-ca.crt"). */
export const secretKey = (file) => file.replace('/', '-');

const KUBECONFIG_USERS = {
  'admin.conf': () => ({ cn: 'kubernetes-admin', org: ['kubeadm:cluster-admins'] }),
  'super-admin.conf': () => ({ cn: 'kubernetes-super-admin', org: ['system:masters'] }),
  'kubelet.conf': (node) => ({ cn: `system:node:${node}`, org: ['system:nodes'] }),
  'controller-manager.conf': () => ({ cn: 'system:kube-controller-manager' }),
  'scheduler.conf': () => ({ cn: 'system:kube-scheduler' }),
};

/** Writes kubeconfig files signed by the cluster CA. files: names from KUBECONFIG_USERS. */
export function writeKubeconfigs({ files, nodeName, clusterName, endpointUrl, localUrl }) {
  out('[kubeconfig] Using kubeconfig folder "/etc/kubernetes"');
  const caPair = readPair(PKI_DIR, 'ca');
  for (const file of files) {
    out(`[kubeconfig] Writing "${file}" kubeconfig file`);
    const who = KUBECONFIG_USERS[file](nodeName);
    const pair = newCert(caPair, who, { usages: 'client' });
    const server = ['controller-manager.conf', 'scheduler.conf'].includes(file) ? localUrl : endpointUrl;
    const text = buildKubeconfig({ clusterName, server, caCert: caPair.cert, user: { name: who.cn, certData: pair.cert, keyData: pair.key } });
    writeFileSync(join(KUBERNETES_DIR, file), text, { mode: 0o600 });
    chmodSync(join(KUBERNETES_DIR, file), 0o600);
  }
}

/**
 * kubelet-finalize (and the kubelet's TLS bootstrap on joins): the client credentials live in
 * /var/lib/kubelet/pki/kubelet-client-<date>.pem, kubelet-client-current.pem links to them, and
 * kubelet.conf points there instead of embedding them (so they can rotate).
 */
export function writeKubeletConf({ clusterName, userName, server, certPem, keyPem, caCert }) {
  mkdirSync(KUBELET_PKI, { recursive: true });
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  const dated = `kubelet-client-${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}-${stamp.slice(9)}.pem`;
  writePem(join(KUBELET_PKI, dated), `${certPem}${keyPem}`, true);
  const current = join(KUBELET_PKI, 'kubelet-client-current.pem');
  rmSync(current, { force: true });
  symlinkSync(join(KUBELET_PKI, dated), current);
  const user = { name: userName, certFile: current, keyFile: current };
  writeFileSync(join(KUBERNETES_DIR, 'kubelet.conf'), buildKubeconfig({ clusterName, server, caCert, user }), { mode: 0o600 });
}
