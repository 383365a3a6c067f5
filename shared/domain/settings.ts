/** App-wide preferences, stored in the settings table and shown on the settings panel. */
import { z } from 'zod';

export const settingsSchema = z.object({
  /** How long a connectivity check waits for a node's SSH port, in milliseconds. */
  connectTimeoutMs: z.number().int().min(500).max(120_000),
  /** SSH user proposed for new nodes. */
  defaultSshUser: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'SSH user must be a Linux user name'),
  /** Also offer the keys of the user's ssh-agent ($SSH_AUTH_SOCK), after Rackpilot's own. Read at start. */
  useSshAgent: z.boolean(),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  connectTimeoutMs: 5000,
  defaultSshUser: 'rackpilot',
  useSshAgent: true,
};
