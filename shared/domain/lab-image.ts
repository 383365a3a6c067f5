/**
 * The practice rack's lab OS image (issue 5 item 3): a Debian live system built on this machine
 * by scripts/build-lab-image.sh, and whether Rackpilot's asset cache serves it. The `live-image`
 * and `install-to-disk` profiles boot it; without it a virtual node has nothing to install.
 */

/** The asset ids the image's three files are imported as (the profiles name these). */
export const LAB_IMAGE_ASSETS = { vmlinuz: 'live-vmlinuz', 'initrd.img': 'live-initrd', 'filesystem.squashfs': 'live-squashfs' } as const;
export type LabImageFile = keyof typeof LAB_IMAGE_ASSETS;

/**
 * missing: not built on this machine. built: built, not (all) in the asset cache yet.
 * stale: the cache serves files from another build. ready: the cache serves this build.
 * importing: an import job runs.
 */
export type LabImageState = 'missing' | 'built' | 'importing' | 'stale' | 'ready';

export interface LabImageStatus {
  state: LabImageState;
  /** Where Rackpilot looks for the build (…/lab-image/current). */
  dir: string;
  /** From the build's manifest.json; null when missing. */
  build: { recipeHash: string; builtAt: string; kernelVersion: string; bytes: number } | null;
  /** The command that builds (or rebuilds) it. */
  buildCommand: string;
  /** One sentence for the Practice rack page. */
  message: string;
}
