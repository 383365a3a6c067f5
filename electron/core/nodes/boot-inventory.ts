/**
 * The inventory as the boot services see it: look a node up by MAC, record unknown MACs as
 * `discovered`, arm and disarm installs (the netboot flag that makes PXE boot-once), check the
 * per-node seed token, and take cloud-init's phone-home (pin host keys, clear netboot).
 * Every step lands on the node's timeline (the audit trail, subject = node id).
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Firmware, HostKey, Node } from '../../../shared/domain/node';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { AuditLog } from '../events/audit';
import type { EventBus } from '../events/bus';
import type { Db } from '../store/database';
import type { NodesRepo } from '../store/nodes-repo';
import { assertTransition } from './lifecycle';
import { redactSeedSecrets, redactSeedSecretsDeep } from './seed-secrets';

/** What a PXE boot of this MAC should do. */
export type BootDecision =
  | { action: 'install'; node: Node; profileId: string; seedToken: string }
  | { action: 'local'; node: Node }
  | { action: 'unknown' };

export interface TimelineEntry {
  kind: string;
  summary: string;
  data?: unknown;
}

/** An install waiting for its phone-home, and when it was armed (null: armed before that was kept). */
export interface InstallInProgress {
  node: Node;
  startedAt: string | null;
}

export class BootInventory {
  constructor(
    private readonly db: Db,
    private readonly repo: NodesRepo,
    private readonly bus: EventBus,
    private readonly audit: AuditLog,
    /** The install clock (ms since epoch); tests move it to reach a timeout without waiting. */
    private readonly now: () => number = Date.now,
  ) {}

  decide(mac: string): BootDecision {
    const node = this.repo.findByMac(mac);
    if (!node) return { action: 'unknown' };
    const token = this.repo.seedToken(node.id);
    if (node.netboot && node.profileId && token) return { action: 'install', node, profileId: node.profileId, seedToken: token };
    return { action: 'local', node };
  }

  findByMac(mac: string): Node | undefined {
    return this.repo.findByMac(mac);
  }

  /** The node with this address (full-DHCP reservations use the node's IP address). */
  reservedAddressFor(mac: string): string | null {
    const address = this.repo.findByMac(mac)?.address ?? '';
    return /^\d+\.\d+\.\d+\.\d+$/.test(address) ? address : null;
  }

  /**
   * An unknown MAC asked to boot: record it (once) so the user can adopt it. It is never
   * installed without consent — its netboot flag starts off.
   */
  recordDiscovered(mac: string, seen: { firmware?: Firmware; ip?: string }): Node {
    return this.db.transaction(() => {
      const existing = this.repo.findByMac(mac);
      if (existing) return existing;
      const now = new Date().toISOString();
      const node: Node = {
        id: randomUUID(),
        name: `discovered-${mac.replace(/:/g, '')}`,
        mac,
        address: '',
        sshUser: 'rackpilot',
        sshPort: 22,
        role: 'unassigned',
        tags: [],
        notes: seen.ip ? `First seen at ${seen.ip}` : '',
        state: 'discovered',
        netboot: false,
        profileId: null,
        hostKeys: [],
        firmware: seen.firmware ?? 'unknown',
        createdAt: now,
        updatedAt: now,
      };
      this.repo.insert(node);
      this.changed(node, { kind: 'node.discovered', summary: `Discovered ${mac} asking to network boot${seen.firmware ? ` (${seen.firmware})` : ''}` });
      return node;
    })();
  }

  noteFirmware(nodeId: string, firmware: Firmware): void {
    const node = this.repo.get(nodeId);
    if (!node || node.firmware === firmware || firmware === 'unknown') return;
    this.save({ ...node, firmware });
  }

  /** Install / Rebuild: arms netboot with a fresh seed token; old pinned keys stop counting. */
  requestInstall(nodeId: string, profileId: string): Node {
    const node = this.get(nodeId);
    assertTransition(node.name, node.state, 'installing');
    this.repo.setSeedToken(node.id, randomBytes(24).toString('base64url'));
    // Re-arming (Rebuild, or a second Install while one is pending) restarts the timeout.
    this.repo.setInstallStartedAt(node.id, new Date(this.now()).toISOString());
    const next = this.save({ ...node, state: 'installing', netboot: true, profileId, hostKeys: [] });
    this.changed(next, { kind: 'boot.install-requested', summary: `Install of ${node.name} with profile ${profileId} armed: its next network boot wipes and installs it`, data: { profileId } }, 'user');
    return next;
  }

  cancelInstall(nodeId: string): Node {
    const node = this.get(nodeId);
    if (!node.netboot && node.state !== 'installing') return node;
    const state = node.state === 'installing' ? 'ready' : node.state;
    this.repo.setInstallStartedAt(node.id, null);
    const next = this.save({ ...node, netboot: false, state });
    this.changed(next, { kind: 'boot.install-cancelled', summary: `Install of ${node.name} cancelled: it will boot from its disk` }, 'user');
    return next;
  }

  /** The node whose NoCloud seed this URL names, if the token is right; null otherwise. */
  seedAccess(nodeId: string, token: string): Node | null {
    const node = this.repo.get(nodeId);
    const expected = node ? this.repo.seedToken(node.id) : null;
    if (!node || !expected) return null;
    const a = Buffer.from(expected);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b) ? node : null;
  }

  /** cloud-init's phone_home: pin the host keys, clear netboot so the next boot is local. */
  phoneHome(nodeId: string, token: string, hostKeys: HostKey[], info: { hostname?: string } = {}): Node {
    const node = this.seedAccess(nodeId, token);
    if (!node) throw new RackpilotError(ErrorCode.NotFound, 'Unknown node or wrong token in the phone-home URL.');
    if (hostKeys.length === 0) {
      throw new RackpilotError(ErrorCode.Validation, `Phone-home from ${node.name} carried no SSH host keys; cloud-init's phone_home needs "post: all" (or the pub_key_* fields).`);
    }
    if (node.state !== 'installing' && node.state !== 'installed') assertTransition(node.name, node.state, 'installed');
    this.repo.setInstallStartedAt(node.id, null);
    const next = this.save({ ...node, state: 'installed', netboot: false, hostKeys });
    this.changed(next, {
      kind: 'boot.phone-home',
      summary: `${node.name} phoned home${info.hostname ? ` as ${info.hostname}` : ''}: installed; pinned ${hostKeys.map((k) => `${k.type} ${k.fingerprint}`).join(', ')}`,
      data: { hostKeys: hostKeys.map(({ type, fingerprint }) => ({ type, fingerprint })) },
    });
    return next;
  }

  /**
   * Marks an install that never phoned home as failed, with the reason (and `data`: what the node
   * last did) on the timeline. Both are scrubbed of seed tokens here, where the token is known,
   * so no caller can copy one into the event log by quoting a console or a URL.
   */
  failInstall(nodeId: string, reason: string, data?: unknown): Node {
    const node = this.get(nodeId);
    assertTransition(node.name, node.state, 'failed');
    const token = this.repo.seedToken(node.id);
    const known = token ? [token] : [];
    this.repo.setInstallStartedAt(node.id, null);
    const next = this.save({ ...node, state: 'failed', netboot: false });
    this.changed(next, {
      kind: 'boot.install-failed',
      summary: redactSeedSecrets(`Install of ${node.name} failed: ${reason}`, known),
      ...(data === undefined ? {} : { data: redactSeedSecretsDeep(data, known) }),
    });
    return next;
  }

  /** Nodes waiting for their installer's phone-home (the install watchdog's rounds). */
  installsInProgress(): InstallInProgress[] {
    return this.repo.installing();
  }

  /**
   * Starts the clock of an install that has none (armed by a version that did not keep it, with
   * no arming event to date it): better late than failing it the moment it is first seen.
   */
  startInstallClock(nodeId: string): string {
    const at = new Date(this.now()).toISOString();
    this.repo.setInstallStartedAt(nodeId, at);
    return at;
  }

  /** Something happened on the boot path (DHCP offer, TFTP file, script, kernel, seed…). */
  timeline(nodeId: string | null, entry: TimelineEntry): void {
    this.audit.record({ actor: 'system', kind: entry.kind, subjectId: nodeId, summary: entry.summary, data: entry.data });
  }

  private get(id: string): Node {
    const node = this.repo.get(id);
    if (!node) throw new RackpilotError(ErrorCode.NotFound, `No node with id ${id}; it may have been removed.`);
    return node;
  }

  private save(node: Node): Node {
    const next = { ...node, updatedAt: new Date().toISOString() };
    this.repo.update(next);
    return next;
  }

  private changed(node: Node, entry: TimelineEntry, actor: 'user' | 'system' = 'system'): void {
    this.bus.publish('nodes.changed', { op: 'upsert', node });
    this.audit.record({ actor, kind: entry.kind, subjectId: node.id, summary: entry.summary, data: entry.data });
  }
}
