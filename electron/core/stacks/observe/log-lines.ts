/**
 * From Docker's log bytes to lines: the engine multiplexes stdout and stderr of a non-TTY
 * container into frames (8-byte header: stream, 3 zero bytes, big-endian length), sends a TTY
 * container's output raw, and prefixes each entry with an RFC 3339 time when asked. Frames and
 * UTF-8 characters split anywhere across chunks, so both are reassembled here.
 */
import { StringDecoder } from 'node:string_decoder';
import type { StackLogLine } from '../../../../shared/domain/stack';

type Stream = StackLogLine['stream'];

const HEADER = 8;

/** Splits the engine's multiplexed log stream into (stream, payload) pieces. */
export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onPayload: (stream: Stream, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buf.length >= HEADER) {
      const size = buf.readUInt32BE(4);
      if (buf.length < HEADER + size) break;
      // 1 is stdout; 2 stderr; 0 (stdin, echoed) and 3 (the engine's own errors) count as what they are closest to.
      const kind = buf[0];
      this.onPayload(kind === 2 || kind === 3 ? 'stderr' : 'stdout', buf.subarray(HEADER, HEADER + size));
      buf = buf.subarray(HEADER + size);
    }
    this.pending = Buffer.from(buf);
  }
}

/** Turns one container's payloads into lines, keeping each stream's partial last line apart. */
export class LineSplitter {
  private readonly parts = new Map<Stream, { decoder: StringDecoder; rest: string }>();

  constructor(
    private readonly meta: { service: string; container: string; timestamps: boolean },
    private readonly onLine: (line: StackLogLine) => void,
  ) {}

  push(stream: Stream, payload: Buffer): void {
    let part = this.parts.get(stream);
    if (!part) this.parts.set(stream, (part = { decoder: new StringDecoder('utf8'), rest: '' }));
    const text = part.rest + part.decoder.write(payload);
    const lines = text.split('\n');
    part.rest = lines.pop() ?? '';
    for (const l of lines) this.emit(stream, l);
  }

  /** The stream ended: a last line without its newline is still a line. */
  end(): void {
    for (const [stream, part] of this.parts) {
      const last = part.rest + part.decoder.end();
      if (last) this.emit(stream, last);
      part.rest = '';
    }
  }

  private emit(stream: Stream, raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    let time: string | null = null;
    let text = line;
    if (this.meta.timestamps) {
      const space = line.indexOf(' ');
      // Docker's prefix is RFC 3339 with nanoseconds; a line without one (a TTY's bare \r) keeps its text.
      if (space > 0 && /^\d{4}-\d\d-\d\dT/.test(line)) {
        time = line.slice(0, space);
        text = line.slice(space + 1);
      }
    }
    this.onLine({ service: this.meta.service, container: this.meta.container, stream, time, text });
  }
}

/**
 * Hands lines on in batches — every `intervalMs`, or at once when `maxLines` wait — so a chatty
 * service costs the UI one event per tick, not one per line.
 */
export class LineBatcher {
  private lines: StackLogLine[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly onLines: (lines: StackLogLine[]) => void,
    private readonly intervalMs = 100,
    private readonly maxLines = 500,
  ) {}

  push(line: StackLogLine): void {
    this.lines.push(line);
    if (this.lines.length >= this.maxLines) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Nobody watches any more: drop what waits, and never call onLines again. */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lines = [];
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.lines.length) return;
    const batch = this.lines;
    this.lines = [];
    this.onLines(batch);
  }
}
