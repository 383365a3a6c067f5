/**
 * The Electron IPC face of the core: one dispatcher Session per renderer (webContents), fed
 * structured-cloned frames from FRAME_CHANNEL. Takes an ipcMain-like object instead of importing
 * electron, so it runs under plain Node in tests (see ipc-stand-in.ts).
 *
 * A session lives as long as the page that opened it: it is closed — aborting that page's
 * in-flight requests — when the webContents is destroyed, its renderer process dies, or its main
 * frame navigates (a reload starts a fresh page whose request ids begin at 1 again). It opens on
 * the page's first frame, so pushed events reach a page from its first call on (every page starts
 * by loading its data, so nothing it shows can be older than its subscription).
 */
import type { Frame } from '../../shared/protocol';
import type { Logger } from '../core/log';
import type { Dispatcher, Session } from '../core/rpc/dispatcher';
import { FRAME_CHANNEL } from './channels';
import type { SenderFrameLike } from './security';

/** The slice of Electron's WebContents the transport uses. */
export interface IpcSenderLike {
  readonly id: number;
  send(channel: string, frame: Frame): void;
  isDestroyed(): boolean;
  on(event: 'destroyed' | 'render-process-gone', listener: () => void): unknown;
  on(event: 'did-start-navigation', listener: (details: NavigationDetails) => void): unknown;
  removeListener(event: 'destroyed' | 'render-process-gone', listener: () => void): unknown;
  removeListener(event: 'did-start-navigation', listener: (details: NavigationDetails) => void): unknown;
}

/** What Electron passes as the first argument of 'did-start-navigation'. */
export interface NavigationDetails {
  readonly isMainFrame: boolean;
  readonly isSameDocument: boolean;
}

/** The slice of Electron's IpcMainEvent the transport reads. */
export interface IpcFrameEventLike {
  readonly sender: IpcSenderLike;
  readonly senderFrame: SenderFrameLike | null;
}

type FrameListener<E> = (event: E, value: unknown) => void;

/** The slice of Electron's ipcMain the transport uses; E is its event type (IpcMainEvent). */
export interface IpcMainLike<E extends IpcFrameEventLike = IpcFrameEventLike> {
  on(channel: string, listener: FrameListener<E>): unknown;
  removeListener(channel: string, listener: FrameListener<E>): unknown;
}

export interface IpcTransportOptions<E extends IpcFrameEventLike = IpcFrameEventLike> {
  /** Decides whether a frame's sender may talk to the core (main.ts: our window's main frame). */
  isTrustedSender(event: E): boolean;
  log?: Pick<Logger, 'warn' | 'debug'>;
}

export interface IpcTransport {
  /** Number of open sessions (one per renderer that has sent a frame). */
  readonly sessionCount: number;
  /** Stops listening and closes every session. */
  close(): void;
}

export function attachIpcTransport<E extends IpcFrameEventLike>(
  ipcMain: IpcMainLike<E>,
  dispatcher: Pick<Dispatcher, 'open'>,
  options: IpcTransportOptions<E>,
): IpcTransport {
  const sessions = new Map<number, { session: Session; dispose: () => void }>();

  const end = (id: number, why: string) => {
    const entry = sessions.get(id);
    if (!entry) return;
    sessions.delete(id);
    entry.dispose();
    entry.session.close();
    options.log?.debug('ipc session closed', { webContents: id, why });
  };

  const sessionFor = (sender: IpcSenderLike): Session => {
    const existing = sessions.get(sender.id);
    if (existing) return existing.session;
    const session = dispatcher.open(
      {
        send(frame) {
          // Frames for a page that is already gone have nowhere to go; the session closes soon.
          if (!sender.isDestroyed()) sender.send(FRAME_CHANNEL, frame);
        },
      },
      `ipc:webContents#${sender.id}`,
    );
    const onDestroyed = () => end(sender.id, 'webContents destroyed');
    const onGone = () => end(sender.id, 'renderer process gone');
    const onNavigate = (details: NavigationDetails) => {
      if (details.isMainFrame && !details.isSameDocument) end(sender.id, 'main frame navigated');
    };
    sender.on('destroyed', onDestroyed);
    sender.on('render-process-gone', onGone);
    sender.on('did-start-navigation', onNavigate);
    const dispose = () => {
      sender.removeListener('destroyed', onDestroyed);
      sender.removeListener('render-process-gone', onGone);
      sender.removeListener('did-start-navigation', onNavigate);
    };
    sessions.set(sender.id, { session, dispose });
    return session;
  };

  const onFrame: FrameListener<E> = (event, value) => {
    if (!options.isTrustedSender(event)) {
      // Never log the frame itself: it may carry secrets. Where it came from is what matters.
      options.log?.warn('dropped an IPC frame from an untrusted sender', {
        webContents: event.sender.id,
        frameUrl: event.senderFrame?.url ?? null,
        topLevel: event.senderFrame ? event.senderFrame.parent === null : null,
      });
      return;
    }
    if (event.sender.isDestroyed()) return;
    sessionFor(event.sender).receive(value);
  };

  ipcMain.on(FRAME_CHANNEL, onFrame);
  return {
    get sessionCount() {
      return sessions.size;
    },
    close() {
      ipcMain.removeListener(FRAME_CHANNEL, onFrame);
      for (const id of [...sessions.keys()]) end(id, 'transport closed');
    },
  };
}
