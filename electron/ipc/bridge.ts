/**
 * Builds `window.rackpilot` from an ipcRenderer-like object. Kept out of preload.ts so it runs
 * (and is tested) under plain Node; preload.ts only hands it the real ipcRenderer.
 *
 * The renderer never sees the IpcRendererEvent (it carries `sender`, i.e. ipcRenderer itself):
 * listeners get the frame and nothing else.
 */
import type { RackpilotBridge } from '../../shared/bridge';
import type { ClientFrame, Frame } from '../../shared/protocol';
import { FRAME_CHANNEL } from './channels';

type FrameListener = (event: unknown, frame: Frame) => void;

/** The slice of Electron's ipcRenderer the bridge needs. */
export interface IpcRendererLike {
  send(channel: string, frame: ClientFrame): void;
  on(channel: string, listener: FrameListener): unknown;
  removeListener(channel: string, listener: FrameListener): unknown;
}

export function createBridge(ipcRenderer: IpcRendererLike): RackpilotBridge {
  return {
    send(frame) {
      ipcRenderer.send(FRAME_CHANNEL, frame);
    },
    onFrame(cb) {
      const listener: FrameListener = (_event, frame) => cb(frame);
      ipcRenderer.on(FRAME_CHANNEL, listener);
      return () => {
        ipcRenderer.removeListener(FRAME_CHANNEL, listener);
      };
    },
  };
}
