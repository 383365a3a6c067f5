/**
 * Join failures: discovery (token, CA pin; cmd/kubeadm/app/discovery/token/token.go and
 * util/pubkeypin), the control-plane certificate download (phases/copycerts) and the network
 * between the node and the control plane.
 */
import { quote, seen, seenAll, steps } from './evidence';
import type { Rule } from './types';

export const joinTokenInvalid: Rule = {
  code: 'join-token-invalid',
  title: 'The join token is expired or unknown to the cluster',
  retryable: false,
  diagnose(ev) {
    // kubeadm logs the JWS line while it polls; only a failed join makes it the verdict.
    const line = ev.failed
      ? seen(ev, [
          /could not find a JWS signature in the cluster-info ConfigMap for token ID/,
          /token id "\w+" is invalid for this cluster or it has expired/,
          /there is no JWS signed token in the cluster-info ConfigMap/,
          /failed to verify JWS signature of received cluster info object/,
        ], ['output'])
      : undefined;
    if (!line) return null;
    return {
      detail: `${quote(ev, line)}. The cluster has no valid token by that id: bootstrap tokens expire (after 24 hours by default) and a rebuilt cluster has new ones.`,
      fix: steps(
        'Issue a fresh join command on a control-plane node: `sudo kubeadm token create --print-join-command` (running the join phase again in Rackpilot does this).',
        '`sudo kubeadm token list` shows which tokens exist and when they expire.',
        'Join with the new command.',
      ),
    };
  },
};

export const caCertHashMismatch: Rule = {
  code: 'ca-cert-hash-mismatch',
  title: "The CA hash in the join command is not this cluster's",
  retryable: false,
  diagnose(ev) {
    const line = ev.failed
      ? seen(ev, [/none of the public keys "[^"]*" are pinned/, /invalid discovery token CA certificate hash/], ['output'])
      : undefined;
    if (!line) return null;
    const actual = line.line.match(/sha256:[0-9a-f]{64}/g);
    const actualText = actual ? ` The cluster's CA hash is ${actual.join(' or ')}.` : '';
    return {
      detail: `${quote(ev, line)}. The node refused to trust the API server because its CA does not match the pinned hash — typically a join command kept from an earlier build of the cluster.${actualText}`,
      fix: steps(
        'Take a fresh join command on a control-plane node: `sudo kubeadm token create --print-join-command` (running the join phase again in Rackpilot does this).',
        "Or compute the hash there: `openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl rsa -pubin -outform der 2>/dev/null | openssl dgst -sha256 -hex | sed 's/^.* //'` and pass it as `--discovery-token-ca-cert-hash sha256:<hash>`.",
        'Run `sudo kubeadm reset -f` on this node, then join again.',
      ),
    };
  },
};

export const certificateKeyExpired: Rule = {
  code: 'certificate-key-expired',
  title: "The control plane's uploaded certificates are gone",
  retryable: false,
  diagnose(ev) {
    const line = ev.failed ? seen(ev, [/Secret "kubeadm-certs" was not found/, /secrets? "kubeadm-certs" not found/i], ['output']) : undefined;
    if (!line) return null;
    return {
      detail: `${quote(ev, line)}. kubeadm deletes the uploaded certificates two hours after \`--upload-certs\`, so a control-plane join after that finds nothing to download.`,
      fix: steps(
        'On a control-plane node already in the cluster, upload them again: `sudo kubeadm init phase upload-certs --upload-certs` (Rackpilot does this just before each control-plane join).',
        'Join within two hours with the certificate key it prints: `--control-plane --certificate-key <key>`.',
        'Run `sudo kubeadm reset -f` on this node first if the failed join left files behind.',
      ),
    };
  },
};

export const certificateKeyMismatch: Rule = {
  code: 'certificate-key-mismatch',
  title: "The certificate key does not open the cluster's uploaded certificates",
  retryable: false,
  diagnose(ev) {
    const line = ev.failed ? seen(ev, [/error decoding secret data with provided key/, /error decoding certificate key/], ['output']) : undefined;
    if (!line) return null;
    return {
      detail: `${quote(ev, line)}. The certificates were uploaded again with a new key after this key was issued (each upload-certs run without --certificate-key makes a new one), or the key was mistyped.`,
      fix: steps(
        'On a control-plane node, upload once more and note the key: `sudo kubeadm init phase upload-certs --upload-certs`.',
        'Join control-plane nodes one at a time with that key, so no second upload replaces it mid-join.',
        'Run `sudo kubeadm reset -f` on this node first if the failed join left files behind.',
      ),
    };
  },
};

/** Connection failures to a remote control-plane port; loopback is kubelet/health checks, not the network. */
const DIAL_FAILED = /dial tcp (?!127\.|\[::1\]|localhost)(\S+):(\d+): (?:connect: )?(no route to host|connection refused|i\/o timeout)/;
const TIMED_OUT = /Get "https?:\/\/([^/"]+)[^"]*": (?:net\/http: request canceled while waiting for connection \(Client\.Timeout exceeded while awaiting headers\)|net\/http: TLS handshake timeout|context deadline exceeded)/;
const REFUSED_BY_KUBECTL = /The connection to the server (\S+) was refused/;
/** Lines about other traffic that share the words: image pulls, local health checks. */
const NOT_CONTROL_PLANE = /pull|check failed at|10248\/healthz/;

export const apiServerUnreachable: Rule = {
  code: 'api-server-unreachable',
  title: 'A control-plane port cannot be reached from this node',
  retryable: true,
  diagnose(ev) {
    // During init the API server is this node's own: a refusal there means it never started,
    // which the control-plane rule explains.
    if (!ev.failed || ev.input.step === 'init' || ev.input.step === 'reset') return null;
    const line = [DIAL_FAILED, TIMED_OUT, REFUSED_BY_KUBECTL]
      .flatMap((pattern) => seenAll(ev, pattern, ['output']))
      .find((found) => !NOT_CONTROL_PLANE.test(found.line));
    if (!line) return null;
    const target = line.match[2] ? `${line.match[1]}:${line.match[2]}` : (line.match[1] ?? 'the control plane');
    const [host = target, port = '6443'] = target.split(/:(?=\d+$)/);
    const reason = line.match[3] ?? (REFUSED_BY_KUBECTL.test(line.line) ? 'connection refused' : 'i/o timeout');
    const check = `From this node: \`nc -vz ${host} ${port}\` must connect.`;
    const byReason: Record<string, string[]> = {
      'no route to host': [
        `${host} rejects the connection (a firewall REJECT rule answers "no route to host"), or the address is wrong.`,
        `On ${host}, open the port: \`sudo firewall-cmd --add-port=${port}/tcp --permanent && sudo firewall-cmd --reload\`, or check \`sudo nft list ruleset\`.`,
      ],
      'connection refused': [
        `${host} answers, but nothing listens on ${port}: the API server is not running there (yet).`,
        `On ${host}: \`sudo crictl ps -a | grep kube-apiserver\`; if it keeps restarting, \`sudo crictl logs <id>\`. If ${host} is a load balancer or VIP, check it forwards to a running control plane.`,
      ],
      'i/o timeout': [
        `Packets to ${host}:${port} get no answer: a firewall DROP rule, a wrong route or VLAN, or the host is down.`,
        `Check ${host} is up and on this node's network, and that ${port}/tcp is open on it (\`sudo nft list ruleset\`).`,
      ],
    };
    const [what = '', fix = ''] = byReason[reason] ?? byReason['i/o timeout'] ?? [];
    return {
      detail: `${quote(ev, line)}. ${what}`,
      fix: steps(fix, check, 'Between control-plane nodes also open 2379-2380/tcp (etcd); every node needs 10250/tcp (kubelet).', 'Run the step again; a control plane that was still starting may answer now.'),
    };
  },
};

export const JOIN_RULES: Rule[] = [joinTokenInvalid, caCertHashMismatch, certificateKeyExpired, certificateKeyMismatch, apiServerUnreachable];
