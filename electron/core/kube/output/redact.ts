/**
 * Masks kubeadm's join secrets before text reaches a job log, an error or a diagnosis.
 *
 * - Bootstrap tokens (`abcdef.0123456789abcdef`): the 16-char secret half is masked, the id is
 *   kept — it is public (kubeadm names it in its own errors) and tells two tokens apart.
 * - Certificate keys (64 hex) decrypt the cluster's CA keys from the `kubeadm-certs` Secret. They
 *   are masked where kubeadm prints them: after `--certificate-key`, after "certificate key:" /
 *   `certificateKey:` (also on the next line, as init prints it), and on a line of their own
 *   (`kubeadm certs certificate-key`). A bare 64-hex run elsewhere is left alone: `sha256:` CA
 *   pins are public and needed to diagnose a bad hash, and container ids have the same shape.
 */
import { BOOTSTRAP_TOKEN_IN_TEXT } from './formats';

export const REDACTED = '••••••';

const KEY_AFTER_FLAG = /(--certificate-key(?:=|\s+))[0-9a-fA-F]{64}(?![0-9a-fA-F])/g;
const KEY_AFTER_LABEL = /(certificate[-_ ]?key"?\s*[:=]\s*"?)[0-9a-fA-F]{64}(?![0-9a-fA-F])/gi;
const KEY_ALONE_ON_LINE = /^(\s*"?)[0-9a-fA-F]{64}("?\s*)$/gm;

export function redactKubeadmOutput(text: string): string {
  return text
    .replace(BOOTSTRAP_TOKEN_IN_TEXT, (_token, id: string) => `${id}.${REDACTED}`)
    .replace(KEY_AFTER_FLAG, `$1${REDACTED}`)
    .replace(KEY_AFTER_LABEL, `$1${REDACTED}`)
    .replace(KEY_ALONE_ON_LINE, `$1${REDACTED}$2`);
}
