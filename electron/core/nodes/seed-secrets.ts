/**
 * Masks the per-node secret of the boot path (DESIGN §10): the token in
 * `/nocloud/<node>/<token>/` and `/phone-home/<node>/<token>`. Anyone holding it can read the
 * node's user-data and post a phone-home in its name, and it shows up wherever those URLs are
 * printed — the kernel command line on the serial console, cloud-init's log, boot events. Text
 * copied from there into the event log goes through here first.
 */

export const REDACTED = '[redacted]';

// The token is whatever sits in the path segment after the node id; it ends at a slash, space,
// quote or the separators a command line or log line puts after a URL.
const SEED_URL_TOKEN = /(\/(?:nocloud|phone-home)\/[^/\s"'<>]+\/)[^/\s"'<>;?#&]+/g;

/**
 * The text with seed-URL tokens masked, plus any `knownTokens` wherever they appear on their own
 * (a URL cut in two by a line break, or URL-encoded, no longer looks like a URL).
 */
export function redactSeedSecrets(text: string, knownTokens: readonly string[] = []): string {
  let out = text.replace(SEED_URL_TOKEN, `$1${REDACTED}`);
  for (const token of knownTokens) {
    // A short token would mask ordinary words; Rackpilot's are 32 characters.
    if (token.length >= 16) out = out.split(token).join(REDACTED);
  }
  return out;
}

/** The same for every string inside a JSON-like value (event data). */
export function redactSeedSecretsDeep(value: unknown, knownTokens: readonly string[] = []): unknown {
  if (typeof value === 'string') return redactSeedSecrets(value, knownTokens);
  if (Array.isArray(value)) return value.map((v) => redactSeedSecretsDeep(v, knownTokens));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSeedSecretsDeep(v, knownTokens)]));
  }
  return value;
}
