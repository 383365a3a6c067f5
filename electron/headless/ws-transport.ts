/** An RpcTransport over a Node `ws` socket: how scripts and tests talk to a headless server. */
import type WebSocket from 'ws';
import type { RpcTransport } from '../../renderer/rpc/client';
import type { Frame } from '../../shared/protocol';

export function wsTransport(ws: WebSocket): RpcTransport {
  return {
    send: (frame) => ws.send(JSON.stringify(frame)),
    onFrame: (cb) => {
      const onMessage = (data: WebSocket.RawData) => cb(JSON.parse(data.toString()) as Frame);
      ws.on('message', onMessage);
      return () => ws.off('message', onMessage);
    },
    onClose: (cb) => {
      const onClose = (code: number) => cb(`socket closed with code ${code}`);
      ws.on('close', onClose);
      return () => ws.off('close', onClose);
    },
  };
}
