/**
 * The parts of a kubeconfig (client-go's clientcmd/api/v1 Config) Rackpilot reads: the three
 * named lists and current-context. Foreign entries are only checked as far as the merge needs
 * (each entry a mapping with a name), so a kubeconfig kubectl accepts is accepted here too.
 */
import { X509Certificate } from 'node:crypto';

export interface NamedEntry {
  name: string;
  /** The `cluster:` / `user:` / `context:` mapping of the entry ({} when absent). */
  body: Record<string, unknown>;
}

export interface KubeconfigEntries {
  clusters: NamedEntry[];
  users: NamedEntry[];
  contexts: NamedEntry[];
  currentContext: string | null;
}

export const SECTIONS = [
  { list: 'clusters', key: 'cluster' },
  { list: 'users', key: 'user' },
  { list: 'contexts', key: 'context' },
] as const;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the entries of an already parsed kubeconfig; returns what is wrong with its structure
 * instead when it is not one. `null` / an empty document is an empty kubeconfig (kubectl agrees).
 */
export function kubeconfigEntries(doc: unknown): KubeconfigEntries | { problem: string } {
  if (doc === null || doc === undefined) return { clusters: [], users: [], contexts: [], currentContext: null };
  if (!isMap(doc)) return { problem: 'its top level is not a YAML mapping' };
  if (doc.kind !== undefined && doc.kind !== 'Config') return { problem: `its kind is ${JSON.stringify(doc.kind)}, not Config` };
  const out: KubeconfigEntries = { clusters: [], users: [], contexts: [], currentContext: null };
  for (const { list, key } of SECTIONS) {
    const items = doc[list];
    if (items === undefined || items === null) continue;
    if (!Array.isArray(items)) return { problem: `"${list}" is not a list` };
    for (const [i, item] of items.entries()) {
      if (!isMap(item) || typeof item.name !== 'string') return { problem: `${list}[${i}] has no name` };
      const body = item[key];
      if (body !== undefined && body !== null && !isMap(body)) return { problem: `${list}[${i}].${key} is not a mapping` };
      out[list].push({ name: item.name, body: isMap(body) ? body : {} });
    }
  }
  const current = doc['current-context'];
  if (current !== undefined && current !== null && typeof current !== 'string') return { problem: '"current-context" is not a string' };
  out.currentContext = current ? current : null;
  return out;
}

/** Decodes a `*-data` field (base64 of PEM) into the certificate it holds, or null. */
export function embeddedCertificate(data: unknown): X509Certificate | null {
  if (typeof data !== 'string' || data.trim() === '') return null;
  const pem = Buffer.from(data.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) return null;
  try {
    return new X509Certificate(pem);
  } catch {
    return null;
  }
}

/** True when a `client-key-data` field holds a PEM private key. */
export function isEmbeddedKey(data: unknown): boolean {
  if (typeof data !== 'string' || data.trim() === '') return false;
  const pem = Buffer.from(data.replace(/\s+/g, ''), 'base64').toString('utf8');
  return /-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(pem);
}

/** Same CA: the certificates are byte-identical (the base64 text may be wrapped differently). */
export function sameCertificate(a: X509Certificate | null, b: X509Certificate | null): boolean {
  return a !== null && b !== null && a.fingerprint256 === b.fingerprint256;
}

/** The client certificate was signed by this CA (so the credential belongs to that cluster). */
export function issuedBy(client: X509Certificate | null, ca: X509Certificate | null): boolean {
  if (!client || !ca) return false;
  try {
    return client.checkIssued(ca) && client.verify(ca.publicKey);
  } catch {
    return false;
  }
}
