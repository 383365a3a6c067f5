/**
 * Boot assets (issue 3 item 8): kernels, initrds, ISOs and squashfs images kept in the asset
 * cache (`<dataDir>/assets/<id>/<fileName>`) and served by the boot HTTP server.
 */
import { z } from 'zod';
import { assetIdSchema } from './profile';

export const ASSET_ROLES = ['kernel', 'initrd', 'iso', 'squashfs'] as const;
export type AssetRole = (typeof ASSET_ROLES)[number];

export interface AssetEntry {
  id: string;
  name: string;
  role: AssetRole;
  /** File name inside the asset's folder; the boot URL is /assets/<id>/<fileName>. */
  fileName: string;
  /** Where to download it; null for assets built locally (e.g. the practice rack's live image). */
  url: string | null;
  /**
   * The expected SHA-256 (hex), when this build pins one. Null means "not pinned": it is then
   * looked up in `sha256SumsUrl` at download time, or the download needs explicit consent.
   */
  sha256: string | null;
  /** The publisher's SHA256SUMS file and the name this file has in it. */
  sums?: { url: string; name: string };
  /** Approximate size in bytes, for the UI before the download starts. */
  size?: number;
  /** Anything the user should know (licence, how it is built, why the hash is not pinned). */
  note?: string;
}

export const ASSET_STATES = ['missing', 'partial', 'downloading', 'ready'] as const;
export type AssetState = (typeof ASSET_STATES)[number];

/** How the hash of a cached file was checked. */
export type AssetVerification = 'pinned' | 'published-sums' | 'unverified';

export interface AssetStatus {
  entry: AssetEntry;
  state: AssetState;
  /** Bytes on disk (partial download or complete file). */
  bytes: number;
  /** Job downloading or importing it now. */
  jobId: string | null;
  /** SHA-256 of the complete file and how it was checked; null until ready. */
  sha256: string | null;
  verification: AssetVerification | null;
}

export const assetDownloadInput = z.object({
  id: assetIdSchema,
  /** Accept a file whose checksum is neither pinned nor published (the computed hash is shown). */
  allowUnverified: z.boolean().default(false),
});
export type AssetDownloadInput = z.input<typeof assetDownloadInput>;

export const assetImportInput = z.object({
  id: assetIdSchema,
  path: z.string().min(1, 'Choose the file to import'),
  /** The SHA-256 the publisher lists, for offline users verifying by hand (hex). */
  sha256: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f]{64}$/, 'A SHA-256 is 64 hex digits, as in the SHA256SUMS file')
    .optional(),
});
export type AssetImportInput = z.input<typeof assetImportInput>;
