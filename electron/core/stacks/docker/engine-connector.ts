/**
 * Reaches a node's Docker Engine (DESIGN §6): dockerode over the node's pooled SSH connection,
 * one channel per request. The first connect pings through sshd's socket forwarding, falls back
 * to `docker system dial-stdio` where sshd forbids that, and remembers what worked per node;
 * `local` is this computer's engine on its Unix socket.
 */
import Dockerode from 'dockerode';
import { LOCAL_ENGINE, type EngineInfo, type EngineTransport } from '../../../../shared/domain/stack';
import { abortError } from '../../abort';
import type { Logger } from '../../log';
import type { SshService } from '../../ssh/ssh-service';
import { targetKey, type SshTarget } from '../../ssh/target';
import { ChannelAgent } from './channel-agent';
import { NODE_DOCKER_SOCKET, dialStdioOpener, isSshLayerError, streamLocalOpener } from './engine-channels';
import { dialStdioFailed, dockerForbidden, dockerMissing, explainLocalEngineError, noTransport, probeDockerSocket } from './engine-errors';
import { engineJson } from './engine-request';

export const LOCAL_DOCKER_SOCKET = '/var/run/docker.sock';

export interface EngineConnection {
  nodeId: string;
  transport: EngineTransport;
  docker: Dockerode;
}

export interface EngineConnectorDeps {
  ssh: SshService;
  targetOf: (nodeId: string) => SshTarget;
  /** This computer's engine socket; default /var/run/docker.sock. */
  localSocket?: string;
  /** The engine's socket on nodes; default /var/run/docker.sock. */
  nodeSocket?: string;
  log: Logger;
}

interface Known {
  /** The target the transport was found for: a changed address or user means probing again. */
  key: string;
  conn: EngineConnection;
  agent: ChannelAgent | null;
}

export class EngineConnector {
  private readonly known = new Map<string, Known>();

  constructor(private readonly deps: EngineConnectorDeps) {}

  async connect(nodeId: string, signal?: AbortSignal): Promise<EngineConnection> {
    if (signal?.aborted) throw abortError();
    if (nodeId === LOCAL_ENGINE) return this.connectLocal(signal);
    const target = this.deps.targetOf(nodeId);
    const key = targetKey(target);
    const known = this.known.get(nodeId);
    if (known?.key === key) return known.conn;
    if (known) this.forget(nodeId);
    const found = await this.findTransport(target, signal);
    this.known.set(nodeId, { key, ...found });
    this.deps.log.info('docker engine reached', { node: nodeId, transport: found.conn.transport });
    return found.conn;
  }

  async info(nodeId: string, signal?: AbortSignal): Promise<EngineInfo> {
    const { docker, transport } = await this.connect(nodeId, signal);
    const v = await engineJson<{ Version: string; ApiVersion: string }>(docker, { path: '/version', signal });
    return { nodeId, transport, serverVersion: v.Version, apiVersion: v.ApiVersion };
  }

  /** The node changed or was deleted: the next connect probes again. */
  forget(nodeId: string): void {
    const known = this.known.get(nodeId);
    this.known.delete(nodeId);
    known?.agent?.destroy();
  }

  /** Channels the node's engine connection holds open now (0 when not connected). */
  openChannels(nodeId: string): number {
    return this.known.get(nodeId)?.agent?.openChannels ?? 0;
  }

  private async connectLocal(signal?: AbortSignal): Promise<EngineConnection> {
    const socketPath = this.deps.localSocket ?? LOCAL_DOCKER_SOCKET;
    const known = this.known.get(LOCAL_ENGINE);
    if (known?.key === socketPath) return known.conn;
    // Explicit host/protocol: a DOCKER_HOST in the environment must not redirect the local engine.
    const docker = new Dockerode({ socketPath, host: undefined, protocol: 'http' });
    try {
      await ping(docker, signal);
    } catch (err) {
      if (signal?.aborted) throw abortError();
      throw explainLocalEngineError(err, socketPath);
    }
    const conn: EngineConnection = { nodeId: LOCAL_ENGINE, transport: 'local-socket', docker };
    this.known.set(LOCAL_ENGINE, { key: socketPath, conn, agent: null });
    return conn;
  }

  private async findTransport(target: SshTarget, signal?: AbortSignal): Promise<Omit<Known, 'key'>> {
    const { ssh, log } = this.deps;
    const socket = this.deps.nodeSocket ?? NODE_DOCKER_SOCKET;
    const direct = new ChannelAgent(streamLocalOpener(ssh, target, socket));
    const viaForward = overAgent(direct);
    try {
      await ping(viaForward, signal);
      return { conn: { nodeId: target.nodeId, transport: 'stream-local', docker: viaForward }, agent: direct };
    } catch (err) {
      direct.destroy();
      if (signal?.aborted) throw abortError();
      // Unreachable, refused login, changed host key: the SSH layer's message is the answer.
      if (isSshLayerError(err)) throw err;
      log.debug('docker socket forwarding failed; probing the node', { node: target.nodeId, error: (err as Error).message });
    }
    const state = await probeDockerSocket(ssh, target, socket, signal);
    if (state === 'missing') throw dockerMissing(target, socket);
    if (state === 'denied') throw dockerForbidden(target);
    if (state === 'no-cli') throw noTransport(target, socket);
    const dial = dialStdioOpener(ssh, target, socket);
    const relay = new ChannelAgent(dial.open);
    const viaDial = overAgent(relay);
    try {
      await ping(viaDial, signal);
    } catch (err) {
      relay.destroy();
      if (signal?.aborted) throw abortError();
      if (isSshLayerError(err)) throw err;
      throw dialStdioFailed(target, socket, err, dial.lastStderr());
    }
    return { conn: { nodeId: target.nodeId, transport: 'dial-stdio', docker: viaDial }, agent: relay };
  }
}

function overAgent(agent: ChannelAgent): Dockerode {
  // docker-modem needs a socket path to build a request; the agent ignores it and opens a channel.
  // dockerode hands `agent` to docker-modem, whose typings have it though dockerode's do not.
  const options: Dockerode.DockerOptions & { agent: ChannelAgent } = { socketPath: LOCAL_DOCKER_SOCKET, host: undefined, protocol: 'http', agent };
  return new Dockerode(options);
}

async function ping(docker: Dockerode, signal?: AbortSignal): Promise<void> {
  await engineJson<unknown>(docker, { path: '/_ping', signal });
}
