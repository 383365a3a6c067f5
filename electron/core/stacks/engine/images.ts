/**
 * Image references: which are already on the engine (and as which id), and which registry a
 * reference points at, for error messages.
 */
import type Docker from 'dockerode';
import type { ComposeProject } from '../compose/model';
import { engineError, isNotFound } from './engine-errors';

/** The distinct image references a project uses, sorted. */
export function projectImages(project: ComposeProject): string[] {
  return [...new Set(Object.values(project.services).map((s) => s.image))].sort();
}

/** ref → image id for the refs present on the engine; absent refs are left out (the planner pulls them). */
export async function localImageIds(docker: Docker, refs: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  await Promise.all(
    refs.map(async (ref) => {
      try {
        const info = await docker.getImage(ref).inspect();
        found.set(ref, info.Id);
      } catch (err) {
        if (!isNotFound(err)) throw engineError(`look up image ${ref}`, err, 'Check that the Docker Engine on the node is running');
      }
    }),
  );
  return found;
}

/**
 * The registry host of a reference, as Docker resolves it: the first path component when it
 * looks like a host (has a dot or a port, or is localhost), otherwise Docker Hub.
 */
export function registryOf(ref: string): string {
  const slash = ref.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = ref.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}

/** `busybox` → `busybox:latest`: what the engine's pull needs when no tag or digest is given. */
export function withDefaultTag(ref: string): string {
  if (ref.includes('@')) return ref;
  const lastSlash = ref.lastIndexOf('/');
  return ref.slice(lastSlash + 1).includes(':') ? ref : `${ref}:latest`;
}

/** Short form of an image id for reasons and logs: sha256:0123456789ab. */
export function shortId(id: string): string {
  return id.startsWith('sha256:') ? id.slice(0, 19) : id.slice(0, 12);
}
