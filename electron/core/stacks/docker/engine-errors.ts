/**
 * Why a node's Docker Engine cannot be reached, in words a user can act on (DESIGN §11). sshd
 * answers every refused socket forward with the same bare "open failed", so when forwarding
 * fails a small probe on the node tells a missing engine from a forbidden socket from a
 * forwarding ban.
 */
import { userInfo } from 'node:os';
import { RackpilotError } from '../../../../shared/errors';
import type { SshService } from '../../ssh/ssh-service';
import type { SshTarget } from '../../ssh/target';
import { shellQuote } from '../../ssh/remote-command';

export const DOCKER_UNAVAILABLE = 'E_DOCKER_UNAVAILABLE';
export const DOCKER_PERMISSION = 'E_DOCKER_PERMISSION';
/** The engine runs but neither transport reaches it (forwarding refused and no docker CLI). */
export const DOCKER_TRANSPORT = 'E_DOCKER_TRANSPORT';

export type SocketState = 'missing' | 'denied' | 'cli' | 'no-cli';

// `test -w` asks the kernel (access(2)), so the user's supplementary groups — docker — count.
const probe = (socket: string) => [
  `s=${shellQuote(socket)}`,
  'if [ ! -S "$s" ]; then echo missing',
  'elif [ ! -r "$s" ] || [ ! -w "$s" ]; then echo denied',
  'elif command -v docker >/dev/null 2>&1; then echo cli',
  'else echo no-cli; fi',
].join('\n');

export async function probeDockerSocket(ssh: SshService, target: SshTarget, socket: string, signal?: AbortSignal): Promise<SocketState> {
  const r = await ssh.run(target, probe(socket), { signal, timeoutMs: 15_000 });
  const state = r.stdout.trim();
  if (state === 'missing' || state === 'denied' || state === 'cli' || state === 'no-cli') return state;
  throw new RackpilotError(DOCKER_UNAVAILABLE, `Could not check Docker on ${target.name} (exit ${r.exitCode}: ${r.stderr.trim() || r.stdout.trim()}). Try again.`);
}

export function dockerMissing(target: SshTarget, socket: string): RackpilotError {
  return new RackpilotError(DOCKER_UNAVAILABLE, `Docker is not running on ${target.name} (no ${socket}): install docker.io and start it (apt-get install docker.io; systemctl enable --now docker).`);
}

export function dockerForbidden(target: SshTarget): RackpilotError {
  const u = target.user;
  return new RackpilotError(DOCKER_PERMISSION, `${u} on ${target.name} may not use Docker: add it to the docker group (usermod -aG docker ${u}) or connect as root.`);
}

export function noTransport(target: SshTarget, socket: string): RackpilotError {
  return new RackpilotError(
    DOCKER_TRANSPORT,
    `${target.name}'s sshd refuses to forward ${socket} and the docker CLI is not installed for \`docker system dial-stdio\`: set AllowStreamLocalForwarding yes in /etc/ssh/sshd_config and reload sshd, or install the docker CLI on the node.`,
  );
}

export function dialStdioFailed(target: SshTarget, socket: string, cause: unknown, stderr: string): RackpilotError {
  const why = stderr || (cause instanceof Error ? cause.message : String(cause));
  return new RackpilotError(
    DOCKER_TRANSPORT,
    `${target.name}'s sshd refuses to forward ${socket}, and \`docker system dial-stdio\` failed there (${why}). Set AllowStreamLocalForwarding yes in /etc/ssh/sshd_config and reload sshd, or fix the docker CLI on the node.`,
  );
}

/** The local engine's socket errors (ENOENT, ECONNREFUSED, EACCES) as what to do about them. */
export function explainLocalEngineError(err: unknown, socketPath: string): RackpilotError {
  if (err instanceof RackpilotError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    const u = userInfo().username;
    return new RackpilotError(DOCKER_PERMISSION, `${u} on this computer may not use Docker (${socketPath}): add it to the docker group (usermod -aG docker ${u}), then log in again.`);
  }
  if (code === 'ENOENT' || code === 'ECONNREFUSED') {
    return new RackpilotError(DOCKER_UNAVAILABLE, `Docker is not running on this computer (no ${socketPath}): install Docker (apt-get install docker.io) and start it.`);
  }
  return new RackpilotError(DOCKER_UNAVAILABLE, `The Docker Engine on this computer (${socketPath}) did not answer: ${(err as Error).message}. Check that it runs (systemctl status docker).`);
}
