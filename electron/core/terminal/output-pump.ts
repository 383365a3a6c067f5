/**
 * Moves a shell's output to the client as text frames. SSH delivers output in packets of a few
 * bytes (an echoed keystroke) to 32 KiB (a `cat`); sending one frame per packet would cost a
 * frame, a JSON round and a screen write each. So output is decoded (StringDecoder keeps a
 * multibyte character split across packets whole), gathered for a few milliseconds or up to one
 * frame's worth, and sent while the ack window is open; when it shuts, the streams are paused.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import type { AckWindow } from './ack-window';

/** Largest frame of output, in characters. */
export const FRAME_CHARS = 32 * 1024;
/** How long output waits for more before it is sent: short enough that typing feels immediate. */
export const FLUSH_MS = 5;

export interface OutputPumpOptions {
  window: AckWindow;
  send: (text: string) => void;
  frameChars?: number;
  flushMs?: number;
}

export class OutputPump {
  private pending = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private readonly frameChars: number;
  private readonly flushMs: number;

  constructor(
    /** The shell's stdout and stderr (a pty sends everything on stdout, but stderr must not stall). */
    private readonly sources: readonly Readable[],
    private readonly opts: OutputPumpOptions,
  ) {
    this.frameChars = opts.frameChars ?? FRAME_CHARS;
    this.flushMs = opts.flushMs ?? FLUSH_MS;
  }

  start(): void {
    for (const source of this.sources) {
      const decoder = new StringDecoder('utf8');
      source.on('data', (chunk: Buffer) => this.push(decoder.write(chunk)));
      source.once('end', () => this.push(decoder.end()));
    }
  }

  /** The client drew `chars` more characters: send what waits and read again if the window opened. */
  ack(chars: number): void {
    this.opts.window.acked(chars);
    this.flush();
  }

  /** The shell ended: whatever is left goes out now, window or not (it is at most about a frame). */
  finish(): void {
    if (this.stopped) return;
    this.clearTimer();
    while (this.pending) this.sendFrame();
    this.stopped = true;
  }

  /**
   * The terminal is being closed: nothing more is sent, and the streams are drained to nowhere,
   * since ssh2 reports a channel closed only after its output has been read to the end.
   */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
    this.pending = '';
    for (const source of this.sources) source.resume();
  }

  private push(text: string): void {
    if (this.stopped || !text) return;
    this.pending += text;
    if (this.pending.length >= this.frameChars) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  private flush(): void {
    if (this.stopped) return;
    this.clearTimer();
    const { window } = this.opts;
    while (this.pending && window.isOpen) this.sendFrame();
    // Pausing stops the reads; SSH's channel window then stops the node from sending more, so at
    // most that window (2 MiB in ssh2) waits here, however much the program writes.
    for (const source of this.sources) {
      if (!window.isOpen) source.pause();
      else if (source.isPaused()) source.resume();
    }
    // Less than a frame may be left when the window shut mid-way; it goes with the next ack.
  }

  private sendFrame(): void {
    const cut = frameEnd(this.pending, this.frameChars);
    const frame = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    this.opts.window.sent(frame.length);
    this.opts.send(frame);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Where a frame of at most `max` characters ends, never between the halves of a surrogate pair. */
export function frameEnd(text: string, max: number): number {
  if (text.length <= max) return text.length;
  const last = text.charCodeAt(max - 1);
  return last >= 0xd800 && last <= 0xdbff ? max - 1 : max;
}
