/**
 * Turning Docker Engine API failures into errors a user can act on. dockerode rejects with the
 * HTTP status and the engine's JSON message; we keep the engine's words (they name the port,
 * the file, the image) and add what happened and what to do.
 */
import { RackpilotError } from '../../../../shared/errors';

/** Codes of the stack engine, beside shared/errors' ErrorCode. */
export const EngineErrorCode = {
  ImagePull: 'E_IMAGE_PULL',
  /** Creating, starting or removing a container, network or volume failed on the engine. */
  Engine: 'E_ENGINE',
  /** A dependency did not become healthy / did not complete. */
  Dependency: 'E_DEPENDENCY',
} as const;

interface DockerodeError {
  statusCode?: number;
  json?: { message?: string } | null;
  reason?: string;
  message?: string;
}

export function engineStatus(err: unknown): number | undefined {
  return (err as DockerodeError | null)?.statusCode;
}

export function isNotFound(err: unknown): boolean {
  return engineStatus(err) === 404;
}

/** The engine's own message, without dockerode's "(HTTP code 409) conflict -" prefix. */
export function engineMessage(err: unknown): string {
  const e = err as DockerodeError | null;
  const fromJson = e?.json?.message;
  if (fromJson) return fromJson.trim();
  const text = e?.message ?? String(err);
  return text.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim();
}

/**
 * "Could not <what>: <engine's message>. <hint>" — rethrows RackpilotErrors and aborts as they are.
 */
export function engineError(what: string, err: unknown, hint: string): Error {
  if (err instanceof RackpilotError) return err;
  if (err instanceof Error && err.name === 'AbortError') return err;
  return new RackpilotError(EngineErrorCode.Engine, `Could not ${what}: ${engineMessage(err)}. ${hint}`);
}
