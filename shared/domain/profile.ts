/**
 * Boot profiles (issue 3 item 7): what a node installs when it network-boots. A profile names
 * its assets (kernel, initrd, optional ISO/squashfs from the asset cache), a kernel command line
 * template and a cloud-init user-data template (YAML; for Ubuntu it carries the `autoinstall:`
 * section, for Debian a preseed template comes with it). Templates use `{{placeholder}}`
 * substitution only — never code — so a profile shared between users cannot run anything on the
 * Rackpilot host.
 */
import { z } from 'zod';

export const PROFILE_KINDS = ['cloud-init', 'ubuntu-autoinstall', 'debian-preseed'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

/** Placeholders every template may use. List-valued ones expand only as a whole YAML value. */
export const PROFILE_PLACEHOLDERS = {
  server: 'http://<boot server>:<port> (no trailing slash)',
  seedUrl: "the node's NoCloud seed URL, with the trailing slash cloud-init needs",
  phoneHomeUrl: "where cloud-init's phone_home posts the host keys",
  preseedUrl: "the node's Debian preseed file",
  instanceId: 'cloud-init instance id; changes with every install',
  'node.id': 'node id',
  'node.name': 'node name (its host name)',
  'node.mac': 'MAC address, lower-case with colons',
  'node.sshUser': 'admin user Rackpilot logs in as',
  'node.address': 'address, or empty when not known yet',
  'assets.kernel': 'URL of the kernel',
  'assets.initrd': 'URL of the initrd',
  'assets.iso': 'URL of the ISO (profiles with an ISO)',
  'assets.squashfs': 'URL of the squashfs (profiles with one)',
  adminKeys: "Rackpilot's SSH public keys (a list: use it as a whole YAML value)",
} as const;
export type ProfilePlaceholder = keyof typeof PROFILE_PLACEHOLDERS;

export const assetIdSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{0,79}$/, 'Asset ids use lower-case letters, digits, ".", "_" and "-", e.g. debian-12-netboot-linux');

export const profileAssetsSchema = z.object({
  kernel: assetIdSchema,
  initrd: assetIdSchema,
  iso: assetIdSchema.optional(),
  squashfs: assetIdSchema.optional(),
});
export type ProfileAssets = z.infer<typeof profileAssetsSchema>;

const TEMPLATE_MAX = 64 * 1024;

/** The editable part of a profile (what the form shows and the `profiles` table stores). */
export const profileSpecSchema = z.object({
  name: z.string().trim().min(1, 'Name is required').max(64, 'Name is at most 64 characters'),
  description: z.string().max(1000, 'Description is at most 1000 characters').default(''),
  kind: z.enum(PROFILE_KINDS),
  assets: profileAssetsSchema,
  cmdline: z
    .string()
    .trim()
    .min(1, 'Kernel command line is required')
    .max(2048, 'Kernel command line is at most 2048 characters (the x86 kernel limit)')
    .refine((s) => !/[\r\n]/.test(s), 'Kernel command line must be one line'),
  userData: z.string().max(TEMPLATE_MAX, 'user-data template is at most 64 KiB'),
  preseed: z.string().max(TEMPLATE_MAX, 'preseed template is at most 64 KiB').optional(),
});
export type ProfileSpec = z.infer<typeof profileSpecSchema>;

export interface Profile extends ProfileSpec {
  id: string;
  /** Built-in profiles ship with Rackpilot and are read-only: clone one to change it. */
  builtIn: boolean;
  createdAt: string;
  updatedAt: string;
}

export const profileCreateInput = profileSpecSchema;
export type ProfileCreateInput = z.input<typeof profileCreateInput>;

export const profileUpdateInput = z.object({
  id: z.string().min(1),
  changes: profileSpecSchema.partial(),
});
export type ProfileUpdateInput = z.input<typeof profileUpdateInput>;

export const profileCloneInput = z.object({
  id: z.string().min(1),
  name: profileSpecSchema.shape.name,
});
export type ProfileCloneInput = z.input<typeof profileCloneInput>;
