/**
 * Test helper: one command on a stand-in rack node over a fresh SSH login as the rack's user
 * with the rack's key, checking the node's host key — what a person's `ssh` would do, without
 * Rackpilot's pooled connections in between.
 */
import { Client } from 'ssh2';
import type { StandInNode, StandInRack } from './kube-rack';

export interface RackSshResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function rackSsh(rack: StandInRack, node: StandInNode, cmd: string): Promise<RackSshResult> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .on('ready', () => {
        client.exec(cmd, (err, stream) => {
          if (err) return reject(err);
          let stdout = '';
          let stderr = '';
          stream.on('data', (d: Buffer) => (stdout += d.toString()));
          stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          stream.on('close', (code: number | null) => {
            client.end();
            resolve({ code: code ?? -1, stdout, stderr });
          });
        });
      })
      .on('error', reject)
      .connect({
        host: node.address,
        port: node.port,
        username: rack.user,
        privateKey: rack.privateKey,
        hostVerifier: (key: Buffer) => key.toString('base64') === node.hostKey.key,
        readyTimeout: 10_000,
      });
  });
}
