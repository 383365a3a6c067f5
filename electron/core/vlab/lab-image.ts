/**
 * The lab OS image as the practice rack sees it: found where scripts/build-lab-image.sh puts it
 * (`$RACKPILOT_CACHE_DIR/lab-image/current`, default /var/cache/rackpilot), described by its
 * manifest, and imported into the asset cache with the manifest's SHA-256s so the `live-image`
 * and `install-to-disk` profiles can serve it. Building needs root and debootstrap, so the core
 * never builds it: it says which command does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AssetStatus } from '../../../shared/domain/asset';
import type { Job } from '../../../shared/domain/job';
import { LAB_IMAGE_ASSETS, type LabImageFile, type LabImageStatus } from '../../../shared/domain/lab-image';
import { ErrorCode, RackpilotError } from '../../../shared/errors';

export const LAB_IMAGE_BUILD_COMMAND = 'sudo bash scripts/build-lab-image.sh';

const fileSchema = z.object({ bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
const manifestSchema = z.object({
  recipeHash: z.string(),
  builtAt: z.string(),
  kernelVersion: z.string(),
  files: z.object({ vmlinuz: fileSchema, 'initrd.img': fileSchema, 'filesystem.squashfs': fileSchema }),
});
export type LabImageManifest = z.infer<typeof manifestSchema>;

/** What the lab image needs from the asset cache (AssetCache implements it). */
export interface LabImageAssets {
  status(id: string): AssetStatus;
  import(input: { id: string; path: string; sha256?: string }): Job;
}

export function defaultLabImageDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.RACKPILOT_CACHE_DIR || '/var/cache/rackpilot', 'lab-image', 'current');
}

/** The build's manifest, or null when there is no complete build (a half-written one has no manifest: it is renamed into place last). */
export function readLabImageManifest(dir: string): LabImageManifest | null {
  let text: string;
  try {
    text = readFileSync(join(dir, 'manifest.json'), 'utf8');
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RackpilotError(ErrorCode.Validation, `The lab image manifest ${join(dir, 'manifest.json')} is not valid JSON. Rebuild the image: ${LAB_IMAGE_BUILD_COMMAND}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new RackpilotError(ErrorCode.Validation, `The lab image manifest ${join(dir, 'manifest.json')} is not one this Rackpilot understands (${parsed.error.issues[0]?.message ?? 'invalid'}). Rebuild the image: ${LAB_IMAGE_BUILD_COMMAND}`);
  }
  return parsed.data;
}

const FILES = Object.keys(LAB_IMAGE_ASSETS) as LabImageFile[];

export class LabImage {
  constructor(
    private readonly assets: LabImageAssets,
    readonly dir: string = defaultLabImageDir(),
  ) {}

  status(): LabImageStatus {
    const base = { dir: this.dir, buildCommand: LAB_IMAGE_BUILD_COMMAND };
    const manifest = readLabImageManifest(this.dir);
    if (!manifest) {
      return { ...base, state: 'missing', build: null, message: `No lab image is built on this machine yet. Build it once (about 3 minutes, needs root and network access to deb.debian.org): ${LAB_IMAGE_BUILD_COMMAND}` };
    }
    const bytes = FILES.reduce((sum, f) => sum + manifest.files[f].bytes, 0);
    const build = { recipeHash: manifest.recipeHash, builtAt: manifest.builtAt, kernelVersion: manifest.kernelVersion, bytes };
    const cached = FILES.map((f) => ({ file: f, status: this.assets.status(LAB_IMAGE_ASSETS[f]) }));
    if (cached.some((c) => c.status.jobId)) return { ...base, state: 'importing', build, message: 'Importing the lab image into the asset cache…' };
    const ready = cached.filter((c) => c.status.state === 'ready');
    if (ready.length === FILES.length && ready.every((c) => c.status.sha256 === manifest.files[c.file].sha256)) {
      return { ...base, state: 'ready', build, message: `Lab image of ${build.builtAt.slice(0, 10)} (Debian 12, kernel ${build.kernelVersion}) is served to virtual nodes.` };
    }
    if (ready.length > 0) {
      return { ...base, state: 'stale', build, message: 'The asset cache serves a different build of the lab image than the one built here. Use the new build so nodes boot it.' };
    }
    return { ...base, state: 'built', build, message: `A lab image is built (${build.builtAt.slice(0, 10)}) but not in the asset cache yet. Use it so virtual nodes can boot it.` };
  }

  /** One import job per file, each checked against the manifest's SHA-256. */
  use(): Job[] {
    const manifest = readLabImageManifest(this.dir);
    if (!manifest) {
      throw new RackpilotError(ErrorCode.NotFound, `No lab image found in ${this.dir}. Build it first: ${LAB_IMAGE_BUILD_COMMAND}`);
    }
    return FILES.map((f) => this.assets.import({ id: LAB_IMAGE_ASSETS[f], path: join(this.dir, f), sha256: manifest.files[f].sha256 }));
  }
}
