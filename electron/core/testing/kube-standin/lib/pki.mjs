/**
 * Real X.509 certificates, made the way kubeadm makes them (cmd/kubeadm/app/phases/certs): RSA
 * 2048 keys in PKCS#1 PEM, CAs valid ten years, leaf certificates one year, signed here with the
 * host's openssl. The CA pin is kubeadm's pubkeypin: sha256 over the CA's SubjectPublicKeyInfo.
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, createPublicKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const CA_DAYS = 3650;
export const CERT_DAYS = 365;

function openssl(args, input) {
  const r = spawnSync('openssl', args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr || r.error}`);
  return r.stdout;
}

function withTemp(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'standin-pki-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An RSA 2048 private key, PKCS#1 PEM ("RSA PRIVATE KEY") as kubeadm writes it. */
export function newKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs1', format: 'pem' });
}

export function publicKeyPem(keyPem) {
  return createPublicKey(keyPem).export({ type: 'spki', format: 'pem' });
}

const subject = ({ cn, org = [] }) => `${org.map((o) => `/O=${o}`).join('')}/CN=${cn}`;

const REQ_CONFIG = `[req]
distinguished_name = dn
[dn]
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign
subjectKeyIdentifier = hash
`;

/** A self-signed CA: { cert, key }. */
export function newCa(cn) {
  const key = newKey();
  const cert = withTemp((dir) => {
    writeFileSync(join(dir, 'ca.key'), key);
    writeFileSync(join(dir, 'req.cnf'), REQ_CONFIG);
    return openssl(['req', '-x509', '-new', '-key', join(dir, 'ca.key'), '-subj', `/CN=${cn}`, '-days', String(CA_DAYS), '-sha256',
      '-config', join(dir, 'req.cnf'), '-extensions', 'v3_ca']);
  });
  return { cert, key };
}

/** A certificate request for `key` with the subject { cn, org }. */
export function newCsr(key, who) {
  return withTemp((dir) => {
    writeFileSync(join(dir, 'k.key'), key);
    writeFileSync(join(dir, 'req.cnf'), REQ_CONFIG);
    return openssl(['req', '-new', '-key', join(dir, 'k.key'), '-subj', subject(who), '-config', join(dir, 'req.cnf')]);
  });
}

/**
 * Signs a CSR with the CA. usages: 'server' | 'client' | 'both'; sans: { dns: [], ip: [] }.
 * The subject comes from the CSR (the API server's CSR signer trusts only what its approver checked).
 */
export function signCsr(csr, ca, { usages = 'client', sans, days = CERT_DAYS } = {}) {
  const eku = { server: 'serverAuth', client: 'clientAuth', both: 'serverAuth,clientAuth' }[usages];
  const altNames = sans ? [...(sans.dns ?? []).map((d) => `DNS:${d}`), ...(sans.ip ?? []).map((i) => `IP:${i}`)] : [];
  const ext = [
    'basicConstraints = critical,CA:FALSE',
    'keyUsage = critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage = ${eku}`,
    'authorityKeyIdentifier = keyid',
    ...(altNames.length ? [`subjectAltName = ${altNames.join(',')}`] : []),
  ].join('\n');
  return withTemp((dir) => {
    writeFileSync(join(dir, 'csr.pem'), csr);
    writeFileSync(join(dir, 'ca.crt'), ca.cert);
    writeFileSync(join(dir, 'ca.key'), ca.key);
    writeFileSync(join(dir, 'ext.cnf'), ext + '\n');
    return openssl(['x509', '-req', '-in', join(dir, 'csr.pem'), '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'),
      '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', String(days), '-sha256', '-extfile', join(dir, 'ext.cnf')]);
  });
}

/** A key and a certificate for it, signed by `ca`: { cert, key }. */
export function newCert(ca, who, options) {
  const key = newKey();
  return { key, cert: signCsr(newCsr(key, who), ca, options) };
}

/** kubeadm's CA pin: "sha256:" + hex sha256 of the CA certificate's SubjectPublicKeyInfo (DER). */
export function caCertHash(certPem) {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/** What check-expiration and the kubeconfig readers need from a certificate. */
export function certInfo(certPem) {
  const x = new X509Certificate(certPem);
  const field = (dn, key) => dn.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
  return {
    notAfter: new Date(x.validTo),
    notBefore: new Date(x.validFrom),
    cn: field(x.subject, 'CN')[0] ?? '',
    org: field(x.subject, 'O'),
    issuerCn: field(x.issuer, 'CN')[0] ?? '',
    san: x.subjectAltName ?? '',
  };
}

/** Whether `certPem` was signed by `caPem` (a real signature check). */
export function signedBy(certPem, caPem) {
  try {
    return new X509Certificate(certPem).verify(new X509Certificate(caPem).publicKey);
  } catch {
    return false;
  }
}

/** Writes a PEM file with kubeadm's modes: keys 0600, certificates 0644. */
export function writePem(path, pem, secret = false) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, pem, { mode: secret ? 0o600 : 0o644 });
  chmodSync(path, secret ? 0o600 : 0o644);
}

export function readPair(dir, name) {
  return { cert: readFileSync(join(dir, `${name}.crt`), 'utf8'), key: readFileSync(join(dir, `${name}.key`), 'utf8') };
}

export function writePair(dir, name, pair) {
  writePem(join(dir, `${name}.crt`), pair.cert);
  writePem(join(dir, `${name}.key`), pair.key, true);
}

/**
 * The uploaded-certs encryption (cmd/kubeadm/app/util/crypto): AES-256-GCM with the hex-decoded
 * certificate key, the nonce prepended to the sealed data.
 */
export function encryptWithKey(hexKey, data) {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(hexKey, 'hex'), nonce);
  const sealed = Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]);
  return Buffer.concat([nonce, sealed]);
}

/** Throws Error('cipher: message authentication failed') on a wrong key, as Go's GCM Open does. */
export function decryptWithKey(hexKey, blob) {
  const key = Buffer.from(hexKey, 'hex');
  if (key.length !== 32) throw new Error('crypto/aes: invalid key size');
  const nonce = blob.subarray(0, 12);
  const tag = blob.subarray(blob.length - 16);
  const body = blob.subarray(12, blob.length - 16);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new Error('cipher: message authentication failed');
  }
}
