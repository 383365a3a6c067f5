/**
 * Engine API calls dockerode's typings leave without an AbortSignal (ping, version, stats), made
 * through its modem so they share the node's transport. Aborting destroys the request and so
 * closes its SSH channel.
 */
import type { IncomingMessage } from 'node:http';
import type Dockerode from 'dockerode';

export interface EngineGet {
  /** Path with a trailing '?' when query is given, as docker-modem expects. */
  path: string;
  query?: Record<string, string | number | boolean>;
  signal?: AbortSignal;
  /** Status codes other than 200 and the words docker-modem puts in their errors. */
  errors?: Record<number, string>;
}

/** A GET answered with JSON (or a Buffer when the engine sent something else). */
export function engineJson<T>(docker: Dockerode, req: EngineGet): Promise<T> {
  return dial<T>(docker, req, false);
}

/** A GET whose body is read as a stream (logs, followed or not). */
export function engineStream(docker: Dockerode, req: EngineGet): Promise<IncomingMessage> {
  return dial<IncomingMessage>(docker, req, true);
}

function dial<T>(docker: Dockerode, req: EngineGet, isStream: boolean): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    docker.modem.dial(
      {
        path: req.path,
        method: 'GET',
        options: req.query,
        isStream,
        abortSignal: req.signal,
        statusCodes: { 200: true, 500: 'server error', ...req.errors },
      },
      (err, data) => (err ? reject(err) : resolve(data as T)),
    );
  });
}
