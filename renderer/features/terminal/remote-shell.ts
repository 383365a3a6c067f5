/**
 * Connects an xterm.js screen to a shell on a node through `terminal.open`: output frames are
 * written to the screen and acked once xterm has taken them (the core stops reading when too much
 * is unacked), keystrokes and resizes go back by the terminal's id. Aborting the signal cancels
 * the request, and the core closes the SSH channel.
 */
import type { IDisposable, Terminal } from '@xterm/xterm';
import type { TerminalClosed } from '../../../shared/domain/terminal';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { RpcClient } from '../../rpc/client';
import { inputChunks } from './input-chunks';

export interface RemoteShellOptions {
  client: RpcClient;
  nodeId: string;
  term: Terminal;
  signal: AbortSignal;
  onOpened(): void;
  /** Input the core refused while the shell stays open (e.g. a paste the shell does not read). */
  onInputError(err: RackpilotError): void;
}

/** Resolves with how the shell ended; rejects when it could not open (or was cancelled). */
export async function runRemoteShell({ client, nodeId, term, signal, onOpened, onInputError }: RemoteShellOptions): Promise<TerminalClosed> {
  let terminalId: string | null = null;
  // Typed while the channel opens: sent in order once the terminal has an id.
  const early: string[] = [];
  let sentSize = windowOf(term);

  const send = (id: string, data: string) => {
    for (const chunk of inputChunks(data)) {
      client.call('terminal.input', { terminalId: id, data: chunk }).catch((err: unknown) => {
        // NotFound: the shell ended while the keystroke was on its way; the status line says so.
        if (err instanceof RackpilotError && err.code !== ErrorCode.NotFound && !signal.aborted) onInputError(err);
      });
    }
  };
  const resize = (id: string) => {
    const size = windowOf(term);
    if (size.cols === sentSize.cols && size.rows === sentSize.rows) return;
    sentSize = size;
    client.call('terminal.resize', { terminalId: id, ...size }).catch(() => undefined);
  };
  const ack = (id: string, chars: number) => {
    if (!signal.aborted) client.call('terminal.ack', { terminalId: id, chars }).catch(() => undefined);
  };

  const listeners: IDisposable[] = [
    term.onData((data) => (terminalId ? send(terminalId, data) : early.push(data))),
    term.onResize(() => terminalId && resize(terminalId)),
  ];
  try {
    return await client.call(
      'terminal.open',
      { nodeId, ...sentSize },
      {
        signal,
        onProgress: (p) => {
          if (p.kind === 'opened') {
            const id = (terminalId = p.terminalId);
            onOpened();
            for (const data of early.splice(0)) send(id, data);
            // The screen may have been resized while the channel opened.
            resize(id);
            return;
          }
          const id = terminalId;
          if (!id) return;
          const chars = p.data.length;
          term.write(p.data, () => ack(id, chars));
        },
      },
    );
  } finally {
    for (const l of listeners) l.dispose();
  }
}

/** The screen's size, within what the contract accepts (a tiny pane can fit fewer than 2 columns). */
function windowOf(term: Terminal): { cols: number; rows: number } {
  return { cols: Math.min(1000, Math.max(2, term.cols)), rows: Math.min(500, Math.max(1, term.rows)) };
}
