/** The publishers' SHA256SUMS files: `<64 hex>  [*]<name>` per line (GNU coreutils format). */

export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trim());
    if (m?.[1] && m[2]) sums.set(m[2], m[1].toLowerCase());
  }
  return sums;
}

/** Finds a name, tolerating a leading "./" on either side (Debian writes it, Ubuntu does not). */
export function lookupSha256(sums: Map<string, string>, name: string): string | undefined {
  const bare = name.replace(/^\.\//, '');
  return sums.get(name) ?? sums.get(bare) ?? sums.get(`./${bare}`);
}

export const isSha256 = (s: string) => /^[0-9a-f]{64}$/.test(s);
