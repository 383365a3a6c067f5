/**
 * Why the API server did not give Rackpilot the status, in the words the Clusters page shows:
 * what happened, then what to check. The cases are the ones people meet with a home-lab
 * cluster — the control plane is down or still starting, the node is off, the cluster was rebuilt
 * (new CA, the kept kubeconfig no longer fits), certificates expired, a firewall drops 6443.
 *
 * Errors arrive from node-fetch (FetchError carrying Node's socket/TLS error code) or from the
 * generated client (ApiException carrying the HTTP status and the decoded Status body).
 */

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  body?: unknown;
}

const TLS_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/** The `message` of the Status object the API server sent (the client hands it over as text). */
function statusMessage(raw: unknown): string | null {
  let body = raw;
  if (typeof raw === 'string') {
    try {
      body = JSON.parse(raw);
    } catch {
      return raw.trim() ? raw.trim().slice(0, 200) : null;
    }
  }
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return null;
}

function hostOf(server: string): string {
  try {
    return new URL(server).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return server;
  }
}

/** HTTP answers: the server is up but would not give the status. */
function describeHttp(status: number, body: unknown, server: string): string {
  const said = statusMessage(body);
  const detail = said ? ` ("${said}")` : '';
  if (status === 401) {
    return `The API server at ${server} rejected Rackpilot's credentials (401 Unauthorized${said ? `: ${said}` : ''}): the admin client certificate has expired or belongs to an earlier build of this cluster. Renew it on the first control plane (sudo kubeadm certs renew admin.conf) and run the bootstrap again to fetch the kubeconfig.`;
  }
  if (status === 403) {
    return `The API server at ${server} recognised Rackpilot's credentials but does not allow them to read nodes and pods (403 Forbidden${detail}): the kept kubeconfig is not the cluster-admin one. Run the bootstrap again to fetch /etc/kubernetes/admin.conf.`;
  }
  if (status === 429 || status >= 500) {
    return `The API server at ${server} answered HTTP ${status}${detail}: it is up but not ready (still starting, or etcd is unhealthy). Wait a minute and refresh; if it persists, check the control plane with sudo crictl ps -a on the control-plane node.`;
  }
  return `The API server at ${server} answered HTTP ${status}${detail} to a request for nodes and pods: check that the endpoint ${server} is this cluster's API server and not another service.`;
}

/** Socket and TLS failures: the server was not reached, or not trusted. */
function describeConnection(code: string, message: string, server: string): string {
  const host = hostOf(server);
  switch (code) {
    case 'ECONNREFUSED':
      return `The API server at ${server} refused the connection: is the control plane up? Check that kube-apiserver runs on the control-plane node (sudo crictl ps --name kube-apiserver) and that the endpoint's port is right.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `There is no route to ${host} (${code}): is the control-plane node powered on and on a network this machine can reach?`;
    case 'ETIMEDOUT':
      return `Connecting to the API server at ${server} timed out: is the control-plane node up, and does a firewall let its port through?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The name ${host} in the cluster's endpoint does not resolve (${code}): fix DNS for it, or use the control plane's IP address as the endpoint.`;
    case 'CERT_HAS_EXPIRED':
      return `The API server at ${server} presented an expired certificate: renew the cluster's certificates on each control plane (sudo kubeadm certs renew all, then restart the control-plane pods) and refresh.`;
    case 'CERT_NOT_YET_VALID':
      return `The API server at ${server} presented a certificate that is not valid yet: the clock of this machine or of the control plane is wrong. Fix time sync (timedatectl) and refresh.`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `The API server's certificate does not list ${host}, the address in the cluster's endpoint (${message}): use an address the certificate covers, or add ${host} to the API server's certSANs and regenerate its certificate.`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `The API server at ${server} closed the connection during the TLS handshake: it may not accept Rackpilot's client certificate (the cluster was rebuilt since the kubeconfig was fetched?), or something other than kube-apiserver listens there. Run the bootstrap again to fetch the current kubeconfig.`;
  }
  if (code.startsWith('ERR_OSSL_')) {
    return `The certificate or key in the kubeconfig Rackpilot keeps cannot be used (${message}): the file is damaged. Run the bootstrap again to fetch kubeadm's admin kubeconfig.`;
  }
  if (TLS_UNTRUSTED.has(code)) {
    return `The server at ${server} presented a certificate not signed by this cluster's CA (${code}): the endpoint points at another cluster or service, or the cluster was rebuilt since Rackpilot fetched its kubeconfig. Check the endpoint, or run the bootstrap again to fetch the current kubeconfig.`;
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return `The TLS handshake with ${server} failed (${message}): the API server did not accept Rackpilot's client certificate, or the endpoint is not a Kubernetes API server. Run the bootstrap again to fetch the current kubeconfig, or check the endpoint.`;
  }
  return `Could not reach the API server at ${server} (${message}): check that the control-plane node is up and reachable from this machine.`;
}

/** The plain-language reason the status could not be read. */
export function describeApiFailure(err: unknown, server: string): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorShape;
  const message = typeof e.message === 'string' ? e.message.split('\n')[0] ?? '' : String(err);
  if (typeof e.code === 'number') return describeHttp(e.code, e.body, server);
  if (typeof e.code === 'string') return describeConnection(e.code, message.replace(/^request to \S+ failed, reason: /, ''), server);
  return `Could not read the status from the API server at ${server} (${message}): check that the control-plane node is up and reachable from this machine.`;
}

export function describeTimeout(server: string, timeoutMs: number): string {
  return `The API server at ${server} did not answer within ${Math.round(timeoutMs / 100) / 10} s: is the control-plane node up, and does a firewall let the port through? A control plane that is still starting can also be this slow; refresh in a minute.`;
}
