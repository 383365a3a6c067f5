/**
 * QMP, the QEMU Machine Protocol, on the wire: one JSON object per line (QEMU ends each with
 * CRLF). The server speaks first with a greeting; after `qmp_capabilities` it answers commands
 * with `return` or `error` (echoing our `id`) and pushes `event`s at any time.
 */
import { StringDecoder } from 'node:string_decoder';

export interface QmpGreeting {
  kind: 'greeting';
  version: string;
}
export interface QmpReturn {
  kind: 'return';
  id: number | null;
  value: unknown;
}
export interface QmpError {
  kind: 'error';
  id: number | null;
  errorClass: string;
  desc: string;
}
export interface QmpEvent {
  kind: 'event';
  event: string;
  data: Record<string, unknown>;
}
export type QmpMessage = QmpGreeting | QmpReturn | QmpError | QmpEvent;

/** A line longer than this is not QMP (QEMU's replies to our few commands are small). */
export const MAX_QMP_LINE = 1024 * 1024;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idOf(msg: Record<string, unknown>): number | null {
  return typeof msg.id === 'number' ? msg.id : null;
}

/** Classifies one parsed line; throws on anything that is not a QMP message. */
export function parseQmpMessage(line: string): QmpMessage {
  const msg: unknown = JSON.parse(line);
  if (!isRecord(msg)) throw new Error(`QMP sent something that is not an object: ${line.slice(0, 200)}`);
  if (isRecord(msg.QMP)) {
    const v = isRecord(msg.QMP.version) && isRecord(msg.QMP.version.qemu) ? msg.QMP.version.qemu : {};
    return { kind: 'greeting', version: `${String(v.major ?? '?')}.${String(v.minor ?? '?')}.${String(v.micro ?? '?')}` };
  }
  if ('return' in msg) return { kind: 'return', id: idOf(msg), value: msg.return };
  if (isRecord(msg.error)) {
    return { kind: 'error', id: idOf(msg), errorClass: String(msg.error.class ?? 'GenericError'), desc: String(msg.error.desc ?? '') };
  }
  if (typeof msg.event === 'string') return { kind: 'event', event: msg.event, data: isRecord(msg.data) ? msg.data : {} };
  throw new Error(`QMP sent an unknown message: ${line.slice(0, 200)}`);
}

/** Cuts a byte stream into QMP messages; keeps a partial last line for the next chunk. */
export class QmpDecoder {
  private pending = '';
  // A multi-byte character may straddle two chunks.
  private readonly utf8 = new StringDecoder('utf8');

  push(chunk: Buffer | string): QmpMessage[] {
    this.pending += typeof chunk === 'string' ? chunk : this.utf8.write(chunk);
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    if (this.pending.length > MAX_QMP_LINE) throw new Error(`QMP line longer than ${MAX_QMP_LINE} bytes`);
    return lines.map((l) => l.trim()).filter((l) => l !== '').map(parseQmpMessage);
  }
}

export function encodeQmpCommand(id: number, execute: string, args?: Record<string, unknown>): string {
  return JSON.stringify(args ? { execute, arguments: args, id } : { execute, id }) + '\r\n';
}
