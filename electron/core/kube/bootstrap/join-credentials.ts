/**
 * Join credentials, issued on the init node just before each join and never kept: a bootstrap
 * token that lives 30 minutes, the CA pin computed from the CA certificate, and — for control
 * planes only — a fresh certificate key from re-uploading the control-plane certificates (the
 * uploaded copy is deleted after two hours). None of it reaches the job log.
 */
import { RackpilotError } from '../../../../shared/errors';
import { BOOTSTRAP_TOKEN } from '../output/formats';
import { parseUploadCertsKey } from '../output/join-command';
import type { JoinCredentials, JoinRole } from '../render/join-config';
import { caCertHash } from './ca-hash';
import { BOOTSTRAP_FAILED, exitText, outputOf, sh, tail } from './node-shell';
import type { BootstrapRun } from './types';

export const CA_CERT_PATH = '/etc/kubernetes/pki/ca.crt';
export const TOKEN_TTL = '30m';

export type IssuedCredentials = Omit<JoinCredentials, 'endpoint'>;

async function onInit(b: BootstrapRun, what: string, command: string): Promise<string> {
  // Not streamed: the output is the secret.
  const r = await sh(b, b.init.node, command, { timeoutMs: 5 * 60_000 });
  if (r.exitCode !== 0) {
    throw new RackpilotError(
      BOOTSTRAP_FAILED,
      `${what} failed on ${b.init.node.name} (${exitText(r)}): ${tail(outputOf(r))}. The control plane must be up for nodes to join: check \`kubectl get --raw /readyz\` there, then run the bootstrap again.`,
    );
  }
  return r.stdout;
}

export async function issueJoinCredentials(b: BootstrapRun, role: JoinRole): Promise<IssuedCredentials> {
  const tokenOut = await onInit(b, 'Creating a bootstrap token', `kubeadm token create --ttl ${TOKEN_TTL}`);
  const token = tokenOut.split('\n').map((l) => l.trim()).find((l) => BOOTSTRAP_TOKEN.test(l));
  if (!token) throw new RackpilotError(BOOTSTRAP_FAILED, `kubeadm token create on ${b.init.node.name} printed no token: run \`sudo kubeadm token create\` there to see why.`);

  const ca = await b.deps.remote.readFile(b.init.node, CA_CERT_PATH, { signal: b.signal, maxBytes: 64 * 1024 });
  let hash: string;
  try {
    hash = caCertHash(ca);
  } catch (err) {
    throw new RackpilotError(BOOTSTRAP_FAILED, `${CA_CERT_PATH} on ${b.init.node.name} is not a readable certificate (${err instanceof Error ? err.message : String(err)}): the control plane is damaged; tear the cluster down and bootstrap it again.`);
  }
  const creds: IssuedCredentials = { token, caCertHashes: [hash] };
  if (role === 'control-plane') {
    const out = await onInit(b, 'Uploading the control-plane certificates', 'kubeadm init phase upload-certs --upload-certs');
    const key = parseUploadCertsKey(out);
    if (!key) throw new RackpilotError(BOOTSTRAP_FAILED, `kubeadm init phase upload-certs on ${b.init.node.name} printed no certificate key: run it there by hand to see why.`);
    creds.certificateKey = key;
  }
  b.log(`Issued join credentials on ${b.init.node.name}: a bootstrap token valid ${TOKEN_TTL}, the CA pin ${hash}${role === 'control-plane' ? ' and a certificate key for the uploaded control-plane certificates' : ''}`);
  return creds;
}
