/**
 * kubeadm's CA pin: sha256 over the CA certificate's DER-encoded SubjectPublicKeyInfo, written
 * `sha256:<hex>` (cmd/kubeadm/app/util/pubkeypin; the same value as
 * `openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256sum`).
 */
import { createHash, X509Certificate } from 'node:crypto';

export function caCertHash(caPem: string | Buffer): string {
  const spki = new X509Certificate(caPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}
