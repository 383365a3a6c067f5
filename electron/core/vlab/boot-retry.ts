/**
 * Boot retry for virtual UEFI nodes. A real server whose network boot fails (no DHCP answer yet,
 * a link that came up late, a busy boot server) goes round its boot options again; OVMF instead
 * ends in its EFI shell and waits there for a keyboard forever. This watches the serial console
 * for the shell's banner and asks for a reset, like a BMC's boot-retry setting, a bounded number
 * of times so a node that can never boot does not loop without end.
 */

/** OVMF prints this when every boot option failed and it falls back to its built-in shell. */
const SHELL_BANNER = 'UEFI Interactive Shell';
/** Enough to match the banner across chunk boundaries. */
const CARRY = SHELL_BANNER.length - 1;

export interface BootRetryOptions {
  /** Resets after which the watcher gives up (the node stays in the shell for a person to see). */
  maxRetries: number;
  /** Called when the firmware gave up; `attempt` counts from 1. */
  onGaveUp: (attempt: number) => void;
}

export class BootRetryWatch {
  private tail = '';
  private retries = 0;

  constructor(private readonly opts: BootRetryOptions) {}

  /** Feeds console output; calls onGaveUp once per shell start, up to maxRetries times. */
  feed(chunk: Buffer | string): void {
    if (this.retries >= this.opts.maxRetries) return;
    const text = this.tail + chunk.toString('latin1');
    const at = text.indexOf(SHELL_BANNER);
    if (at === -1) {
      this.tail = text.slice(-CARRY);
      return;
    }
    // Whatever follows the banner belongs to this shell start, not to a new one.
    this.tail = '';
    this.retries++;
    this.opts.onGaveUp(this.retries);
  }

  get attempts(): number {
    return this.retries;
  }
}
