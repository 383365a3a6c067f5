/**
 * An interactive shell to a node: xterm.js over `terminal.open`, sized to its pane, with a status
 * line. Unmounting closes the shell (the request is cancelled and the core closes the channel).
 * xterm is large (~340 kB): import this module lazily (React.lazy), so it stays out of start-up.
 */
import { useEffect, useRef, useState } from 'react';
import type { RackpilotError } from '../../../shared/errors';
import { rpc } from '../../rpc/api';
import { runRemoteShell } from './remote-shell';
import { endedStatus, failedStatus, type ShellStatus } from './shell-status';
import './terminal.css';
import { createXtermScreen } from './xterm-screen';

export interface TerminalViewProps {
  nodeId: string;
  /** Called when the shell ends or the user closes it. */
  onClosed?: () => void;
}

export function TerminalView({ nodeId, onClosed }: TerminalViewProps) {
  const screenRef = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<ShellStatus>({ state: 'connecting' });
  // Each session is one mount of the effect; Reconnect starts another.
  const [session, setSession] = useState(0);
  const stopRef = useRef<() => void>(() => undefined);
  const onClosedRef = useRef(onClosed);
  useEffect(() => {
    onClosedRef.current = onClosed;
  }, [onClosed]);

  useEffect(() => {
    const screen = screenRef.current;
    if (!screen) return;
    const { term, dispose } = createXtermScreen(screen);
    term.focus();

    const abort = new AbortController();
    let closedByUser = false;
    let opened = false;
    stopRef.current = () => {
      closedByUser = true;
      abort.abort();
    };
    setStatus({ state: 'connecting' });
    runRemoteShell({
      client: rpc(),
      nodeId,
      term,
      signal: abort.signal,
      onOpened: () => {
        opened = true;
        setStatus({ state: 'connected' });
      },
      onInputError: (err: RackpilotError) => setStatus({ state: 'connected', notice: err.message }),
    }).then(
      (closed) => {
        setStatus(endedStatus(closed));
        onClosedRef.current?.();
      },
      (err: unknown) => {
        if (closedByUser) {
          setStatus({ state: 'ended', message: 'Terminal closed.' });
          onClosedRef.current?.();
        } else if (!abort.signal.aborted) {
          setStatus(failedStatus(err, opened));
        }
      },
    );
    return () => {
      abort.abort();
      dispose();
    };
  }, [nodeId, session]);

  const live = status.state === 'connecting' || status.state === 'connected';
  // After a shell ends, a parent that listens to onClosed offers its own way on; after a failure
  // to open, it hears nothing, so the way to try again is here.
  const offerReconnect = status.state === 'failed' || (status.state === 'ended' && !onClosed);
  return (
    <section className="terminal-view" aria-label="Terminal">
      <div className={`terminal-status terminal-status-${status.state}`}>
        <span role="status" data-testid="terminal-status">
          {statusText(status)}
        </span>
        {status.state === 'connected' && <span className="muted terminal-hint">Ctrl+Shift+C copies · Ctrl+Shift+V pastes</span>}
        {live && (
          <button type="button" className="btn btn-small" onClick={() => stopRef.current()}>
            Disconnect
          </button>
        )}
        {offerReconnect && (
          <button type="button" className="btn btn-small" onClick={() => setSession((n) => n + 1)}>
            Reconnect
          </button>
        )}
      </div>
      <div className="terminal-screen" ref={screenRef} data-testid="terminal-screen" />
    </section>
  );
}

function statusText(status: ShellStatus): string {
  switch (status.state) {
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return status.notice ? `Connected. ${status.notice}` : 'Connected';
    case 'ended':
    case 'failed':
      return status.message;
  }
}
