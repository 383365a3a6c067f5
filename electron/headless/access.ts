/**
 * Who may use the headless API: holders of the token printed at start, from pages this server
 * served. Loopback by default; other addresses only when asked for explicitly.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** The token from `Authorization: Bearer …` or a `token` query parameter. */
export function tokenFromRequest(url: URL, authorization: string | undefined): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return bearer?.[1] ?? url.searchParams.get('token');
}

/**
 * A browser always sends Origin on a WebSocket handshake; it must be this server's own origin,
 * so another site open in the same browser cannot drive the API. Non-browser clients send none
 * and are held to the token alone.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!hostHeader) return false;
  return origin === `http://${hostHeader}` || origin === `https://${hostHeader}`;
}
