/**
 * TEST HELPER — a stand-in for Electron's ipcMain / ipcRenderer / webContents, because the
 * Electron binary cannot run in CI or in this sandbox. It mimics the parts the transport relies
 * on: arguments are structured-cloned (class instances lose their prototype, functions throw
 * DataCloneError synchronously in send), delivery is asynchronous and ordered, each message
 * carries `sender` (the webContents) and `senderFrame` ({url, parent}), and a webContents emits
 * 'destroyed', 'render-process-gone' and 'did-start-navigation'.
 * It is not Electron: anything Electron-specific beyond that (e.g. real frame routing, process
 * isolation) is not exercised by tests that use it.
 */
import { EventEmitter } from 'node:events';
import type { RpcTransport } from '../../renderer/rpc/client';
import type { ClientFrame, Frame } from '../../shared/protocol';
import type { Logger } from '../core/log';
import type { Dispatcher } from '../core/rpc/dispatcher';
import { createBridge, type IpcRendererLike } from './bridge';
import { APP_ENTRY_URL, isTrustedSenderFrame } from './security';
import { attachIpcTransport, type IpcFrameEventLike, type IpcMainLike, type IpcSenderLike, type IpcTransport } from './transport';

export interface StandInFrame {
  url: string;
  parent: StandInFrame | null;
}

export interface StandInRendererOptions {
  /** The URL the sending frame shows (default: our app's entry page). */
  url?: string;
  /** Send from an iframe instead of the main frame. */
  fromSubframe?: boolean;
}

export interface StandInRenderer {
  ipcRenderer: IpcRendererLike;
  webContents: IpcSenderLike;
  /** The frame IPC messages are sent from (mutable: tests may point it elsewhere). */
  frame: StandInFrame;
  /** Like closing the window: emits 'destroyed'; later messages in either direction are lost. */
  destroy(): void;
  /** Like a main-frame navigation or reload (emits 'did-start-navigation'). */
  navigate(url?: string): void;
  /** Like the renderer process crashing (emits 'render-process-gone'). */
  crash(): void;
}

export interface IpcStandIn {
  ipcMain: IpcMainLike<IpcFrameEventLike>;
  openRenderer(options?: StandInRendererOptions): StandInRenderer;
}

export function createIpcStandIn(): IpcStandIn {
  const ipcMain = new EventEmitter();
  let nextId = 1;

  const openRenderer = (options: StandInRendererOptions = {}): StandInRenderer => {
    const id = nextId++;
    const mainFrame: StandInFrame = { url: options.url ?? APP_ENTRY_URL, parent: null };
    const frame: StandInFrame = options.fromSubframe ? { url: mainFrame.url, parent: mainFrame } : mainFrame;
    const rendererSide = new EventEmitter();
    const contentsEvents = new EventEmitter();
    let destroyed = false;

    const webContents: IpcSenderLike = {
      id,
      isDestroyed: () => destroyed,
      send(channel: string, frame: Frame) {
        if (destroyed) throw new Error('Object has been destroyed');
        const copy = structuredClone(frame);
        setImmediate(() => {
          if (!destroyed) rendererSide.emit(channel, { sender: ipcRenderer }, copy);
        });
      },
      on(event: string, listener: (...args: never[]) => void) {
        contentsEvents.on(event, listener as (...args: unknown[]) => void);
        return webContents;
      },
      removeListener(event: string, listener: (...args: never[]) => void) {
        contentsEvents.removeListener(event, listener as (...args: unknown[]) => void);
        return webContents;
      },
    };

    const ipcRenderer: IpcRendererLike = {
      send(channel: string, frame: ClientFrame) {
        const copy = structuredClone(frame); // throws DataCloneError synchronously, as Electron does
        setImmediate(() => {
          if (destroyed) return;
          const event: IpcFrameEventLike = { sender: webContents, senderFrame: renderer.frame };
          ipcMain.emit(channel, event, copy);
        });
      },
      on(channel, listener) {
        rendererSide.on(channel, listener);
        return ipcRenderer;
      },
      removeListener(channel, listener) {
        rendererSide.removeListener(channel, listener);
        return ipcRenderer;
      },
    };

    const renderer: StandInRenderer = {
      ipcRenderer,
      webContents,
      frame,
      destroy() {
        if (destroyed) return;
        destroyed = true;
        contentsEvents.emit('destroyed');
      },
      navigate(url = APP_ENTRY_URL) {
        contentsEvents.emit('did-start-navigation', { url, isMainFrame: true, isSameDocument: false });
        mainFrame.url = url;
      },
      crash() {
        contentsEvents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
      },
    };
    return renderer;
  };

  return { ipcMain: ipcMain as IpcMainLike<IpcFrameEventLike>, openRenderer };
}

export interface IpcPair extends RpcTransport {
  renderer: StandInRenderer;
  transport: IpcTransport;
  /** Closes the window (aborting its in-flight requests) and detaches the transport. */
  close(): void;
}

/**
 * A renderer-side RpcTransport wired through the real bridge (preload logic) and the real IPC
 * transport to `dispatcher`, over the stand-in. `new RpcClient(createIpcPair(app.dispatcher))`.
 */
export function createIpcPair(dispatcher: Pick<Dispatcher, 'open'>, options: { log?: Logger } = {}): IpcPair {
  const standIn = createIpcStandIn();
  const transport = attachIpcTransport(standIn.ipcMain, dispatcher, {
    isTrustedSender: (event) => isTrustedSenderFrame(event.senderFrame),
    ...(options.log ? { log: options.log } : {}),
  });
  const renderer = standIn.openRenderer();
  const bridge = createBridge(renderer.ipcRenderer);
  const closeListeners = new Set<(reason: string) => void>();
  return {
    renderer,
    transport,
    send: (frame) => bridge.send(frame),
    onFrame: (cb) => bridge.onFrame(cb),
    onClose(cb) {
      closeListeners.add(cb);
      return () => closeListeners.delete(cb);
    },
    close() {
      renderer.destroy();
      transport.close();
      for (const cb of closeListeners) cb('window closed');
    },
  };
}
