/** The transport's state, for the header and the reconnecting banner. */
import { create } from 'zustand';
import type { ConnectionState } from '../rpc/transport';

interface ConnectionStore {
  state: ConnectionState;
  kind: 'ipc' | 'websocket';
}

export const useConnection = create<ConnectionStore>()(() => ({ state: 'connecting', kind: 'websocket' }));
