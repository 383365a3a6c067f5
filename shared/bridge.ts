/**
 * What the Electron preload exposes to the renderer as `window.rackpilot`, and nothing more:
 * frames in, frames out. The renderer's RpcClient wraps it as an RpcTransport. In a browser
 * (headless server) `window.rackpilot` is absent and the client uses a WebSocket instead.
 * Types only: this file is shared by the preload, the main process and the renderer.
 * (The `Window.rackpilot` global itself is declared by the renderer, renderer/rpc/transport.ts.)
 */
import type { ClientFrame, Frame } from './protocol';

export interface RackpilotBridge {
  /** Sends one frame to the core. Throws if the frame cannot be structured-cloned. */
  send(frame: ClientFrame): void;
  /** Delivers every frame the core sends to this window; returns the unsubscribe function. */
  onFrame(cb: (frame: Frame) => void): () => void;
}
