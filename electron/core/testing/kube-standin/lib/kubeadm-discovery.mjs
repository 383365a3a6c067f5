/**
 * Token discovery, as `kubeadm join` does it (cmd/kubeadm/app/discovery/token): fetch the
 * cluster-info ConfigMap without trusting the server yet, check its JWS signature with the
 * bootstrap token, pin the CA by the sha256 of its public key, then read it again over TLS
 * verified with that CA. Every failure is kubeadm's text.
 */
import YAML from 'yaml';
import { ApiClient, ConnectionError } from './api-client.mjs';
import { detachedJws } from './bootstrap-tokens.mjs';
import { consumeFault } from './faults.mjs';
import { minorOf, phaseError } from './kubeadm-output.mjs';
import { caCertHash } from './pki.mjs';

const CLUSTER_INFO = '/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const identity = (version, why) => phaseError(version, 'preflight', `couldn't validate the identity of the API Server: ${why}`);

function tokenInvalid(version, id) {
  return identity(version, minorOf(version) >= 30
    ? `token id "${id}" is invalid for this cluster or it has expired. Use "kubeadm token create" on the control-plane node to create a new valid token`
    : `could not find a JWS signature in the cluster-info ConfigMap for token ID "${id}"`);
}

/** GET cluster-info, retrying connection failures for a while as kubeadm's discovery loop does. */
async function fetchClusterInfo(version, client, retryMs) {
  const deadline = Date.now() + retryMs;
  for (;;) {
    try {
      return await client.get(CLUSTER_INFO);
    } catch (e) {
      if (!(e instanceof ConnectionError)) throw identity(version, `failed to request the cluster-info ConfigMap: ${e.message}`);
      if (Date.now() > deadline) throw identity(version, `failed to request the cluster-info ConfigMap: ${e.message}`);
      await sleep(500);
    }
  }
}

/**
 * Returns { caCert, server } of the cluster at `endpoint` when the token and pins check out.
 * o: { endpoint, token, caCertHashes, unsafeSkipCaVerification, retryMs }.
 */
export async function discover(version, o) {
  const [id, secret] = o.token.split('.');
  const insecure = new ApiClient({ server: `https://${o.endpoint}`, insecure: true });
  const cm = await fetchClusterInfo(version, insecure, o.retryMs ?? 5000);
  if (consumeFault('join-token-expired')) throw tokenInvalid(version, id);
  const content = cm.data?.kubeconfig;
  const signature = cm.data?.[`jws-kubeconfig-${id}`];
  if (!content) throw identity(version, 'there is no kubeconfig in the cluster-info ConfigMap');
  if (!signature) throw tokenInvalid(version, id);
  if (detachedJws(content, id, secret) !== signature) throw identity(version, "failed to verify JWS signature of received cluster info object, can't trust this API Server");
  const kubeconfig = YAML.parse(content);
  const cluster = kubeconfig.clusters?.[0]?.cluster ?? {};
  const caCert = Buffer.from(cluster['certificate-authority-data'] ?? '', 'base64').toString('utf8');
  const actual = caCertHash(caCert);
  const pins = (o.caCertHashes ?? []).map((h) => h.toLowerCase());
  const badPin = consumeFault('join-bad-ca-hash');
  if (!o.unsafeSkipCaVerification && (badPin || !pins.includes(actual))) {
    throw identity(version, `cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${actual}" are pinned`);
  }
  // Now trust the CA: the same object again, over a verified connection to the endpoint.
  const secure = new ApiClient({ server: `https://${o.endpoint}`, caCert });
  try {
    await secure.get(CLUSTER_INFO);
  } catch (e) {
    throw identity(version, `failed to request the cluster-info ConfigMap: ${e.message}`);
  }
  return { caCert, server: cluster.server ?? `https://${o.endpoint}` };
}
