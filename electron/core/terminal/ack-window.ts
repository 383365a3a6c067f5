/**
 * Credit-based flow control for terminal output. The client acks characters once it has drawn
 * them; while more than the limit is unacked, the window is shut and the core stops reading the
 * shell's output. A slow (or stuck) screen then slows the remote program down through SSH's own
 * channel window instead of filling memory on either side.
 */

/** Output characters that may be sent but not yet acked before reading stops. */
export const ACK_WINDOW_CHARS = 256 * 1024;

export class AckWindow {
  private unacked = 0;

  constructor(private readonly limit = ACK_WINDOW_CHARS) {}

  get inFlight(): number {
    return this.unacked;
  }

  /** More output may be sent. At most one frame more than the limit is ever in flight. */
  get isOpen(): boolean {
    return this.unacked <= this.limit;
  }

  sent(chars: number): void {
    this.unacked += chars;
  }

  /** An ack for more than was sent (a confused client) cannot build up credit for later. */
  acked(chars: number): void {
    this.unacked = Math.max(0, this.unacked - chars);
  }
}
