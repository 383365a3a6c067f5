/**
 * The two ways a request reaches a node's Docker Engine over the node's one SSH connection:
 * sshd forwards the engine's Unix socket (direct-streamlocal, no process on the node), or — where
 * sshd refuses that (AllowStreamLocalForwarding no) — `docker system dial-stdio` relays the
 * socket over an exec channel's stdin/stdout, as the docker CLI's own ssh:// contexts do.
 */
import type { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { RackpilotError } from '../../../../shared/errors';
import { shellQuote } from '../../ssh/remote-command';
import type { SshService } from '../../ssh/ssh-service';
import { describeTarget, type SshTarget } from '../../ssh/target';
import type { ChannelOpener } from './channel-agent';

/** Where Docker's API socket lives on a node (docker.io's and Docker CE's default). */
export const NODE_DOCKER_SOCKET = '/var/run/docker.sock';

/** The relay's command line; the socket is named only when it is not Docker's default. */
export function dialStdioCommand(socket: string): string {
  const host = socket === NODE_DOCKER_SOCKET ? '' : `DOCKER_HOST=${shellQuote(`unix://${socket}`)} `;
  // exec: the relay replaces the login shell, so closing the channel reaches it directly.
  return `${host}exec docker system dial-stdio`;
}

/** A failure of the SSH layer itself (unreachable, auth, host key): its error is the user's answer. */
export function isSshLayerError(err: unknown): err is RackpilotError {
  return err instanceof RackpilotError && String(err.code).startsWith('E_SSH_');
}

export function streamLocalOpener(ssh: SshService, target: SshTarget, socket: string): ChannelOpener {
  return async () => {
    try {
      // SshService types the stream loosely; it is an ssh2 channel, a Duplex.
      return (await ssh.openUnixSocket(target, socket)) as Duplex;
    } catch (err) {
      if (err instanceof RackpilotError) throw err;
      throw new RackpilotError(
        'E_DOCKER_UNAVAILABLE',
        `${describeTarget(target)} refused to forward ${socket} (${(err as Error).message}). Check that Docker runs there and that sshd allows stream forwarding (AllowStreamLocalForwarding).`,
      );
    }
  };
}

export interface DialStdioOpener {
  open: ChannelOpener;
  /** What the last dial-stdio that failed wrote to stderr, for the error a user sees. */
  lastStderr(): string;
}

export function dialStdioOpener(ssh: SshService, target: SshTarget, socket: string): DialStdioOpener {
  let lastStderr = '';
  const open = async (): Promise<Duplex> => {
    // An exec channel is a session: it waits for a free slot under sshd's MaxSessions.
    const channel: ClientChannel = await ssh.pool.connection(target).exec(dialStdioCommand(socket));
    let stderr = '';
    // stderr must be drained or its window fills and the channel stalls.
    channel.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-2000)));
    channel.once('exit', (code: number | null) => {
      if (code !== 0 && stderr.trim()) lastStderr = stderr.trim();
    });
    return channel;
  };
  return { open, lastStderr: () => lastStderr };
}
