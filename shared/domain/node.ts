/**
 * A machine in the rack: the inventory's unit, and the subject of the node lifecycle (DESIGN §4).
 * Types and constants only; the input rules are in node-schema.ts (zod), which the renderer loads
 * only with its forms.
 */

export const NODE_STATES = [
  'discovered',
  'ready',
  'installing',
  'installed',
  'provisioning',
  'provisioned',
  'failed',
] as const;
export type NodeState = (typeof NODE_STATES)[number];

export const NODE_ROLES = ['unassigned', 'control-plane', 'worker', 'storage'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

export interface Node {
  id: string;
  name: string;
  mac: string;
  /** IP address or host name the SSH layer dials; empty until known (e.g. a discovered node). */
  address: string;
  sshUser: string;
  sshPort: number;
  role: NodeRole;
  tags: string[];
  notes: string;
  state: NodeState;
  /** While set, a PXE boot installs the node's profile; the installer's phone-home clears it. */
  netboot: boolean;
  /** Boot profile to install (built-in or user profile id); null until chosen. */
  profileId: string | null;
  /** SSH host keys pinned from cloud-init's phone-home (or accepted by the user). */
  hostKeys: HostKey[];
  /** Firmware seen in the node's last PXE request. */
  firmware: Firmware;
  createdAt: string;
  updatedAt: string;
}

export const DEFAULT_SSH_USER = 'rackpilot';

export type Firmware = 'bios' | 'uefi' | 'uefi-http' | 'arm64' | 'unknown';

export interface HostKey {
  /** e.g. ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa */
  type: string;
  /** base64 key blob, as in known_hosts */
  key: string;
  /** SHA256:… as OpenSSH prints it */
  fingerprint: string;
}
