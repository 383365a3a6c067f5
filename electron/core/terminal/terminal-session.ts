/**
 * One open terminal: an ssh2 shell channel on a pseudo-terminal, its output pump and the way it
 * ended. Keystrokes go in as they come; output goes out through the pump under the ack window.
 */
import type { ClientChannel } from 'ssh2';
import type { TerminalClosed } from '../../../shared/domain/terminal';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { AckWindow } from './ack-window';
import { OutputPump } from './output-pump';

/**
 * Keystrokes waiting for the shell to read them. A person cannot type this much; a paste into a
 * program that reads nothing can, and it is refused rather than kept.
 */
export const MAX_UNREAD_INPUT_BYTES = 1024 * 1024;

export class TerminalSession {
  /** Settles when the channel has closed, however that happened. */
  readonly ended: Promise<TerminalClosed>;
  private readonly pump: OutputPump;
  private closeRequested = false;
  private exitCode: number | null = null;
  private exited = false;

  constructor(
    readonly id: string,
    readonly nodeId: string,
    /** For messages: the node's name. */
    readonly nodeName: string,
    private readonly channel: ClientChannel,
    send: (text: string) => void,
  ) {
    this.pump = new OutputPump([channel, channel.stderr], { window: new AckWindow(), send });
    // ssh2 reports `exit` with the status, or with null and the signal that ended the shell.
    channel.on('exit', (code: number | null) => {
      this.exited = true;
      this.exitCode = typeof code === 'number' ? code : null;
    });
    // A write after the channel closed, or a dropped connection, must not crash the core;
    // the 'close' that follows ends the terminal.
    channel.on('error', () => {});
    this.ended = new Promise((resolve) => {
      channel.once('close', () => {
        this.pump.finish();
        resolve(this.outcome());
      });
    });
  }

  /** Starts the output. Called after the client has been told the terminal's id. */
  start(): void {
    this.pump.start();
  }

  input(data: string): void {
    if (!this.channel.writable) throw this.goneError();
    if (this.channel.writableLength > MAX_UNREAD_INPUT_BYTES) {
      throw new RackpilotError(
        ErrorCode.TooLarge,
        `The shell on ${this.nodeName} is not reading its input (over ${MAX_UNREAD_INPUT_BYTES / 1024} KiB waiting), so this input was dropped. Wait for the running program, or press Ctrl+C.`,
      );
    }
    this.channel.write(data);
  }

  resize(rows: number, cols: number): void {
    if (!this.channel.writable) throw this.goneError();
    // Pixel sizes are optional in SSH; programs size themselves by rows and columns.
    this.channel.setWindow(rows, cols, 0, 0);
  }

  ack(chars: number): void {
    this.pump.ack(chars);
  }

  /** Closes the channel; sshd then hangs up the pty, which ends the shell and its foreground job. */
  close(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    this.pump.stop();
    this.channel.close();
  }

  private outcome(): TerminalClosed {
    if (this.closeRequested) return { terminalId: this.id, exitCode: null, reason: 'closed' };
    if (this.exited) return { terminalId: this.id, exitCode: this.exitCode, reason: 'exited' };
    return { terminalId: this.id, exitCode: null, reason: 'disconnected' };
  }

  private goneError(): RackpilotError {
    return new RackpilotError(ErrorCode.NotFound, `The terminal on ${this.nodeName} has closed. Open a new one.`);
  }
}
