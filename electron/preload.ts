/**
 * Preload (sandboxed: it may import only 'electron'; esbuild bundles the rest into one file).
 * Exposes `window.rackpilot = { send, onFrame }` and nothing else — see shared/bridge.ts.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './ipc/bridge';

contextBridge.exposeInMainWorld('rackpilot', createBridge(ipcRenderer));
