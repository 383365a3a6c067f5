/**
 * The app's one RPC client, set once at start-up. Stores and pages call `rpc()` rather than
 * threading the client through props.
 */
import { RackpilotError } from '../../shared/errors';
import type { RpcClient } from './client';

let client: RpcClient | null = null;

export function setRpcClient(c: RpcClient): void {
  client = c;
}

export function rpc(): RpcClient {
  if (!client) throw new Error('RPC client used before start-up finished');
  return client;
}

/** A message a person can read, for any error a call can reject with. */
export function errorMessage(err: unknown): string {
  if (err instanceof RackpilotError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
