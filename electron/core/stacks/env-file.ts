/**
 * Writing KEY=value lines that docker compose (v1's python-dotenv and v2's dotenv) and
 * Rackpilot's loader read back as the same value: plain values stay bare, anything with spaces,
 * `#`, `$` or quotes is quoted so it cannot turn into a comment or an interpolation.
 */
const BARE = /^[A-Za-z0-9_.:/@%+,=-]*$/;

export function envValue(value: string): string {
  if (BARE.test(value)) return value;
  // Single quotes are literal in both dialects: no escapes, no interpolation.
  if (!value.includes("'") && !/[\r\n]/.test(value)) return `'${value}'`;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\r?\n/g, '\\n')}"`;
}

export function envLine(key: string, value: string): string {
  return `${key}=${envValue(value)}`;
}
