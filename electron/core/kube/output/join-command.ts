/**
 * Join credentials read back from what kubeadm prints: the tail of `kubeadm init` and
 * `kubeadm token create --print-join-command [--certificate-key …]`.
 *
 * Formats, from kubeadm's join command template (cmd/kubeadm/app/cmd/util/join.go) and its docs
 * (https://kubernetes.io/docs/reference/setup-tools/kubeadm/kubeadm-join/):
 *   kubeadm join k8s.lab:6443 --token abcdef.0123456789abcdef \
 *   	--discovery-token-ca-cert-hash sha256:<64 hex> \
 *   	--control-plane --certificate-key <64 hex>
 * init prints one command per line with backslash continuations (tab- or space-indented);
 * `token create` prints one line; kubeadm before 1.13 put the endpoint after `--token`.
 */
import { BOOTSTRAP_TOKEN, CA_CERT_HASH, CERTIFICATE_KEY } from './formats';

export interface JoinCredentials {
  /** host:port of the API server exactly as kubeadm printed it (the kubeconfig's server). */
  endpoint: string;
  token: string;
  /** One or more `sha256:<hex>` pins; kubeadm prints one per CA certificate. */
  caCertHashes: string[];
  /** Only in a control-plane join command: decrypts the uploaded `kubeadm-certs` Secret. */
  certificateKey?: string;
}

export interface JoinCommand extends JoinCredentials {
  controlPlane: boolean;
}

/** Flags of `kubeadm join` that take a value, so the value is not mistaken for the endpoint. */
const VALUE_FLAGS = new Set([
  'token',
  'discovery-token',
  'tls-bootstrap-token',
  'discovery-token-ca-cert-hash',
  'certificate-key',
  'cri-socket',
  'apiserver-advertise-address',
  'apiserver-bind-port',
  'node-name',
  'config',
  'discovery-file',
  'ignore-preflight-errors',
  'skip-phases',
  'patches',
  'v',
]);

const ENDPOINT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;

/** Every complete join command in the text, in order. Commands with a withheld or malformed token are skipped. */
export function parseJoinCommands(text: string): JoinCommand[] {
  // A backslash at the end of a line continues the command on the next one, as in a shell.
  const unfolded = text.replace(/\\[ \t]*\r?\n/g, ' ');
  const commands: JoinCommand[] = [];
  for (const line of unfolded.split(/\r?\n/)) {
    const start = line.search(/\bkubeadm\s+join\b/);
    if (start < 0) continue;
    const args = line.slice(start).trim().split(/\s+/).slice(2);
    const command = readJoinArgs(args);
    if (command) commands.push(command);
  }
  return commands;
}

/**
 * The credentials a node needs to join, or null when the text holds no usable join command
 * (none printed, or printed with `--skip-token-print`, which shows `<value withheld>`).
 * init prints a control-plane and a worker command with the same endpoint, token and hashes;
 * the certificate key comes from the control-plane one.
 */
export function parseJoinCommand(text: string): JoinCredentials | null {
  const commands = parseJoinCommands(text);
  const first = commands[0];
  if (!first) return null;
  const credentials: JoinCredentials = { endpoint: first.endpoint, token: first.token, caCertHashes: first.caCertHashes };
  const certificateKey = commands.find((c) => c.certificateKey)?.certificateKey;
  if (certificateKey) credentials.certificateKey = certificateKey;
  return credentials;
}

function readJoinArgs(args: string[]): JoinCommand | null {
  let endpoint: string | undefined;
  let token: string | undefined;
  let discoveryToken: string | undefined;
  let certificateKey: string | undefined;
  let controlPlane = false;
  const caCertHashes: string[] = [];

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('-')) {
      if (endpoint === undefined && ENDPOINT.test(arg)) endpoint = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = (eq < 0 ? arg : arg.slice(0, eq)).replace(/^--?/, '');
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    const next = args[i + 1];
    const nextIsValue = next !== undefined && !next.startsWith('-') && (VALUE_FLAGS.has(name) || !ENDPOINT.test(next));
    if (value === undefined && name !== 'control-plane' && nextIsValue) {
      value = next;
      i++;
    }
    if (name === 'control-plane') controlPlane = value === undefined || value === 'true';
    else if (name === 'token') token = value;
    else if (name === 'discovery-token') discoveryToken = value;
    else if (name === 'certificate-key') certificateKey = value;
    else if (name === 'discovery-token-ca-cert-hash' && value) caCertHashes.push(...value.split(',').map((h) => h.toLowerCase()));
  }

  const bootstrapToken = token ?? discoveryToken;
  if (!endpoint || !bootstrapToken || !BOOTSTRAP_TOKEN.test(bootstrapToken)) return null;
  const command: JoinCommand = {
    endpoint,
    token: bootstrapToken,
    caCertHashes: caCertHashes.filter((h) => CA_CERT_HASH.test(h)),
    controlPlane,
  };
  const key = certificateKey?.toLowerCase();
  if (controlPlane && key && CERTIFICATE_KEY.test(key)) command.certificateKey = key;
  return command;
}

/**
 * The key printed by `kubeadm init phase upload-certs --upload-certs` (and by init with
 * --upload-certs): "[upload-certs] Using certificate key:" then the key on the next line.
 */
export function parseUploadCertsKey(text: string): string | null {
  const match = /Using certificate key:\s*([0-9a-fA-F]{64})(?![0-9a-fA-F])/.exec(text);
  return match?.[1]?.toLowerCase() ?? null;
}
