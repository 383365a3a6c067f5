/** App-wide preferences, stored in the settings table and shown on the settings panel. */
import { z } from 'zod';

export const settingsSchema = z.object({
  /** How long a connectivity check waits for a node's SSH port, in milliseconds. */
  connectTimeoutMs: z.number().int().min(500).max(120_000),
  /** SSH user proposed for new nodes. */
  defaultSshUser: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'SSH user must be a Linux user name'),
  /** Also offer the keys of the user's ssh-agent ($SSH_AUTH_SOCK), after Rackpilot's own. Read at start. */
  useSshAgent: z.boolean(),
  /**
   * How long an armed install may go without phoning home before the node is marked failed.
   * Real Ubuntu installs take 15–30 min on a slow mirror; a practice-rack live boot about 2 min.
   */
  installTimeoutMinutes: z.number().int().min(1).max(1440),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  connectTimeoutMs: 5000,
  defaultSshUser: 'rackpilot',
  useSshAgent: true,
  installTimeoutMinutes: 60,
};
