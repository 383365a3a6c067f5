/**
 * An HTTPS client of the (stand-in) API server, as client-go talks to it: the cluster CA verifies
 * the server, a client certificate or a bearer token says who calls. Network failures keep Go's
 * wording ("dial tcp 10.0.0.1:6443: connect: connection refused") so the messages kubectl and
 * kubeadm print from them match the real ones.
 */
import { request } from 'node:https';
import { ApiError } from './store.mjs';

/** Go's net/http error text for a failed request to `url`. */
export function goNetError(method, url, e) {
  const u = new URL(url);
  const hostPort = u.host;
  const verb = method[0] + method.slice(1).toLowerCase();
  const reason = {
    ECONNREFUSED: `dial tcp ${hostPort}: connect: connection refused`,
    EHOSTUNREACH: `dial tcp ${hostPort}: connect: no route to host`,
    ENETUNREACH: `dial tcp ${hostPort}: connect: network is unreachable`,
    ETIMEDOUT: `dial tcp ${hostPort}: i/o timeout`,
    ENOTFOUND: `dial tcp: lookup ${u.hostname} on 127.0.0.53:53: no such host`,
    EAI_AGAIN: `dial tcp: lookup ${u.hostname} on 127.0.0.53:53: server misbehaving`,
    ECONNRESET: 'read: connection reset by peer',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls: failed to verify certificate: x509: certificate signed by unknown authority',
    SELF_SIGNED_CERT_IN_CHAIN: 'tls: failed to verify certificate: x509: certificate signed by unknown authority',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'tls: failed to verify certificate: x509: certificate signed by unknown authority',
    ERR_TLS_CERT_ALTNAME_INVALID: `tls: failed to verify certificate: x509: certificate is valid for ${String(e.cert?.subjectaltname ?? '').replace(/(DNS|IP Address):/g, '')}, not ${u.hostname}`,
  }[e.code] ?? e.message;
  return { code: e.code, text: `${verb} "${url}": ${reason}`, reason, hostPort };
}

export class ConnectionError extends Error {
  constructor(net) {
    super(net.text);
    this.net = net;
  }

  /** What kubectl prints for it. */
  kubectlMessage() {
    if (this.net.code === 'ECONNREFUSED') return `The connection to the server ${this.net.hostPort} was refused - did you specify the right host or port?`;
    return `Unable to connect to the server: ${this.net.reason}`;
  }
}

export class ApiClient {
  /** conn: { server, caCert, cert, key, token, insecure } (parseKubeconfig's shape). */
  constructor(conn, { timeoutMs = 10_000 } = {}) {
    this.conn = conn;
    this.timeoutMs = timeoutMs;
  }

  /** { status, json, text }; network failures throw ConnectionError, API errors ApiError (when `raw` is false). */
  request(method, path, { body, contentType = 'application/json', raw = false } = {}) {
    const url = new URL(path, this.conn.server).toString();
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers = { accept: 'application/json, */*', 'user-agent': 'kubectl/v1.34.1 (linux/amd64) kubernetes/standin' };
    if (payload !== undefined) headers['content-type'] = contentType;
    if (this.conn.token) headers.authorization = `Bearer ${this.conn.token}`;
    const options = {
      method,
      headers,
      timeout: this.timeoutMs,
      ca: this.conn.caCert,
      cert: this.conn.cert,
      key: this.conn.key,
      rejectUnauthorized: !this.conn.insecure,
    };
    return new Promise((resolve, reject) => {
      const req = request(url, options, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          if (String(res.headers['content-type'] ?? '').includes('json')) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          const status = res.statusCode ?? 0;
          if (!raw && status >= 400) {
            const s = json ?? {};
            return reject(new ApiError(status, s.reason ?? 'Unknown', s.message ?? (text.trim() || `the server responded with status ${status}`), s.details ?? {}));
          }
          resolve({ status, json, text, peerCertificate: res.socket?.getPeerCertificate?.(true) });
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => reject(new ConnectionError(goNetError(method, url, e))));
      req.end(payload);
    });
  }

  async get(path) {
    return (await this.request('GET', path)).json;
  }

  async post(path, body) {
    return (await this.request('POST', path, { body })).json;
  }

  async put(path, body) {
    return (await this.request('PUT', path, { body })).json;
  }

  async patch(path, body, contentType = 'application/merge-patch+json') {
    return (await this.request('PATCH', path, { body, contentType })).json;
  }

  async delete(path) {
    return (await this.request('DELETE', path)).json;
  }

  /** GET that answers null for 404 instead of throwing. */
  async find(path) {
    try {
      return await this.get(path);
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return null;
      throw e;
    }
  }
}
