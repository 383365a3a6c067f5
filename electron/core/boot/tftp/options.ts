/**
 * Option negotiation for a read request: blksize (RFC 2348), timeout and tsize (RFC 2349),
 * windowsize (RFC 7440). The server only ever lowers what the client asked for; an option with an
 * invalid value is left out of the OACK (the client then falls back to the RFC 1350 default),
 * which is what tftpd-hpa does and what old firmware copes with best.
 */

export interface NegotiationLimits {
  /** Largest blksize granted; 1468 keeps a DATA packet inside a 1500-byte Ethernet frame. */
  maxBlockSize: number;
  /** Largest windowsize granted (RFC 7440). */
  maxWindowSize: number;
  /** Retransmit timeout when the client does not ask for one. */
  defaultTimeoutMs: number;
}

export interface Negotiated {
  blockSize: number;
  windowSize: number;
  timeoutMs: number;
  /** Options to echo in the OACK, in the order the client sent them; empty → no OACK. */
  oack: Map<string, string>;
}

export const RFC1350_BLOCK_SIZE = 512;

/** Parses a decimal option value strictly ("12", not "12abc", "0x10" or "1e3"). */
function intOption(value: string, min: number, max: number): number | null {
  if (!/^\d{1,10}$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}

export function negotiateOptions(
  requested: ReadonlyMap<string, string>,
  fileSize: number | null,
  limits: NegotiationLimits,
): Negotiated {
  const result: Negotiated = {
    blockSize: RFC1350_BLOCK_SIZE,
    windowSize: 1,
    timeoutMs: limits.defaultTimeoutMs,
    oack: new Map(),
  };
  for (const [name, value] of requested) {
    switch (name) {
      case 'blksize': {
        const n = intOption(value, 8, 65464);
        if (n === null) break;
        result.blockSize = Math.min(n, limits.maxBlockSize);
        result.oack.set(name, String(result.blockSize));
        break;
      }
      case 'windowsize': {
        const n = intOption(value, 1, 65535);
        if (n === null) break;
        result.windowSize = Math.min(n, limits.maxWindowSize);
        result.oack.set(name, String(result.windowSize));
        break;
      }
      case 'timeout': {
        // RFC 2349: 1..255 seconds, and the server must accept it as is or leave it out.
        const n = intOption(value, 1, 255);
        if (n === null) break;
        result.timeoutMs = n * 1000;
        result.oack.set(name, String(n));
        break;
      }
      case 'tsize': {
        // In a read request the client sends 0 and the server answers with the size. When the
        // size is not known up front (netascii conversion happens first, so it is) skip it.
        if (fileSize === null || intOption(value, 0, Number.MAX_SAFE_INTEGER) === null) break;
        result.oack.set(name, String(fileSize));
        break;
      }
      default:
        // Unknown options are ignored, as RFC 2347 requires.
        break;
    }
  }
  return result;
}
