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
  /**
   * A registry (host:port, plain HTTP) that nodes' Docker pulls Docker Hub images through when a
   * lab starts on them: practice nodes often have no internet. Empty: Docker's own default.
   */
  labRegistry: z.string().regex(/^$|^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'A registry is host or host:port, e.g. 10.78.0.1:5000'),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  connectTimeoutMs: 5000,
  defaultSshUser: 'rackpilot',
  useSshAgent: true,
  installTimeoutMinutes: 60,
  labRegistry: '',
};
