/**
 * TFTP wire format (RFC 1350, options per RFC 2347). Decoding never throws: anything a client can
 * send maps to a typed result, so one malformed datagram can never take the server down.
 */

export const Opcode = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

/** RFC 1350 §5 error codes, plus 8 (RFC 2347: option negotiation refused). */
export const TftpErrorCode = {
  NotDefined: 0,
  FileNotFound: 1,
  AccessViolation: 2,
  DiskFull: 3,
  IllegalOperation: 4,
  UnknownTid: 5,
  FileExists: 6,
  NoSuchUser: 7,
  OptionRefused: 8,
} as const;

export type TftpMode = 'octet' | 'netascii' | 'mail';

export interface TftpRequest {
  kind: 'RRQ' | 'WRQ';
  /** The name exactly as sent (latin1-decoded so every byte survives for the path checks). */
  file: string;
  mode: TftpMode;
  /** Option names lower-cased (RFC 2347: case-insensitive); values as sent. */
  options: Map<string, string>;
}

export type DecodedPacket =
  | TftpRequest
  | { kind: 'ACK'; block: number }
  | { kind: 'ERROR'; code: number; message: string }
  | { kind: 'DATA' | 'OACK' }
  | { kind: 'invalid'; reason: string };

/** Largest request RFC 1350 implementations accept; bigger ones are not worth parsing. */
const MAX_REQUEST_BYTES = 1024;

export function decodePacket(msg: Buffer): DecodedPacket {
  if (msg.length < 2) return { kind: 'invalid', reason: `datagram of ${msg.length} byte(s) has no opcode` };
  const op = msg.readUInt16BE(0);
  switch (op) {
    case Opcode.RRQ:
    case Opcode.WRQ:
      return decodeRequest(msg, op === Opcode.RRQ ? 'RRQ' : 'WRQ');
    case Opcode.ACK:
      if (msg.length < 4) return { kind: 'invalid', reason: 'ACK shorter than 4 bytes' };
      return { kind: 'ACK', block: msg.readUInt16BE(2) };
    case Opcode.ERROR: {
      if (msg.length < 4) return { kind: 'invalid', reason: 'ERROR shorter than 4 bytes' };
      const end = msg.indexOf(0, 4);
      const message = msg.toString('latin1', 4, end === -1 ? msg.length : end);
      return { kind: 'ERROR', code: msg.readUInt16BE(2), message: printable(message) };
    }
    case Opcode.DATA:
      return { kind: 'DATA' };
    case Opcode.OACK:
      return { kind: 'OACK' };
    default:
      return { kind: 'invalid', reason: `unknown opcode ${op}` };
  }
}

function decodeRequest(msg: Buffer, kind: 'RRQ' | 'WRQ'): DecodedPacket {
  if (msg.length > MAX_REQUEST_BYTES) return { kind: 'invalid', reason: `${kind} of ${msg.length} bytes is too long` };
  // Fields are NUL-terminated strings; a trailing field without its NUL is malformed.
  const fields: string[] = [];
  let start = 2;
  while (start < msg.length) {
    const end = msg.indexOf(0, start);
    if (end === -1) return { kind: 'invalid', reason: `${kind} field is not NUL-terminated` };
    fields.push(msg.toString('latin1', start, end));
    start = end + 1;
  }
  const [file, rawMode, ...rest] = fields;
  if (file === undefined || rawMode === undefined) return { kind: 'invalid', reason: `${kind} lacks a file name or mode` };
  if (file.length === 0) return { kind: 'invalid', reason: `${kind} has an empty file name` };
  const mode = rawMode.toLowerCase();
  if (mode !== 'octet' && mode !== 'netascii' && mode !== 'mail') {
    return { kind: 'invalid', reason: `unknown transfer mode "${printable(rawMode)}"` };
  }
  const options = new Map<string, string>();
  // Some clients pad requests with NULs; an odd leftover name without a value is ignored.
  for (let i = 0; i + 1 < rest.length; i += 2) {
    const name = rest[i]!.toLowerCase();
    if (name.length > 0 && !options.has(name)) options.set(name, rest[i + 1]!);
  }
  return { kind, file, mode, options };
}

/**
 * A DATA packet in one buffer. Copying ≤ 1468 bytes is cheaper than handing dgram a two-buffer
 * list (measured: the list path costs more per packet than the copy).
 */
export function dataPacket(block: number, payload: Buffer): Buffer {
  const p = Buffer.allocUnsafe(4 + payload.length);
  p[0] = 0;
  p[1] = Opcode.DATA;
  p[2] = (block >> 8) & 0xff;
  p[3] = block & 0xff;
  payload.copy(p, 4);
  return p;
}

export function encodeOack(options: ReadonlyMap<string, string>): Buffer {
  const parts: Buffer[] = [Buffer.from([0, Opcode.OACK])];
  for (const [k, v] of options) parts.push(Buffer.from(`${k}\0${v}\0`, 'latin1'));
  return Buffer.concat(parts);
}

export function encodeError(code: number, message: string): Buffer {
  const text = Buffer.from(message.slice(0, 400), 'latin1');
  const b = Buffer.alloc(4 + text.length + 1);
  b.writeUInt16BE(Opcode.ERROR, 0);
  b.writeUInt16BE(code, 2);
  text.copy(b, 4);
  return b;
}

export function encodeAck(block: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt16BE(Opcode.ACK, 0);
  b.writeUInt16BE(block & 0xffff, 2);
  return b;
}

/** For logs: control characters from the wire never reach a terminal or the UI verbatim. */
export function printable(s: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
