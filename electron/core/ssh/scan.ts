/**
 * Reads a server's host key without authenticating, for nodes added by hand: the UI shows the
 * fingerprint and pins the key only when the user accepts it ("trust on user acceptance").
 */
import { Client } from 'ssh2';
import type { HostKey } from '../../../shared/domain/node';
import { hostKeyFromBlob } from './host-key-check';
import { explainConnectError } from './ssh-errors';

export function scanHostKey(address: string, port: number, timeoutMs = 10_000): Promise<HostKey> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented: HostKey | null = null;
    const target = { nodeId: '', name: '', address, port, user: 'rackpilot-scan', hostKeys: [] };
    const finish = (err: unknown) => {
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.destroy();
      if (presented) resolve(presented);
      else reject(explainConnectError(err, target, { usedAgent: false }, timeoutMs));
    };
    client.on('error', finish);
    client.on('close', () => finish(new Error('connection closed before the server presented a host key')));
    // Refusing the key ends the handshake before any authentication is attempted.
    client.connect({
      host: address,
      port,
      username: target.user,
      readyTimeout: timeoutMs,
      hostVerifier: (blob: Buffer) => {
        presented = hostKeyFromBlob(blob);
        return false;
      },
    });
  });
}
