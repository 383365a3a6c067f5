/**
 * Waiting for nodes to come back from a network install (practice nodes made for a lab, a reset
 * that reinstalls). "Installed" in the inventory is not yet "the learner can use it": installers
 * and install-to-disk phone home once from the installer and once more from the installed system's
 * first boot, so the wait counts phone-homes since the install was armed, then asks for a boot id
 * over SSH — the same thing the first step of the lab records.
 */
import type { Node } from '../../../shared/domain/node';
import type { Profile } from '../../../shared/domain/profile';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { abortError, sleep } from '../abort';
import type { AuditLog } from '../events/audit';
import type { JobContext } from '../jobs/jobs-service';
import type { SshService } from '../ssh/ssh-service';
import { targetFromNode } from '../ssh/target';
import { readBootId } from './checks/boot-ids';

const POLL_MS = 3000;

export interface InstallWaitDeps {
  node(id: string): Node;
  audit: Pick<AuditLog, 'list'>;
  ssh: Pick<SshService, 'run'>;
  /** The profile a node installs (for how many phone-homes to expect). */
  profile(id: string): Pick<Profile, 'kind' | 'userData'> | null;
  installTimeoutMs(): number;
}

/** An armed node: what it installs and the last event of its timeline before arming. */
export interface ArmedNode {
  nodeId: string;
  profileId: string;
  mark: number;
}

/** The latest event id on a node's timeline (phone-homes after it count for this install). */
export function timelineMark(audit: Pick<AuditLog, 'list'>, nodeId: string): number {
  return audit.list({ subjectId: nodeId, limit: 1 })[0]?.id ?? 0;
}

/** A live system phones home once; an installer phones home, reboots, and its system phones home again. */
export function phoneHomesExpected(profile: Pick<Profile, 'kind' | 'userData'> | null): number {
  if (!profile) return 1;
  return profile.kind !== 'cloud-init' || profile.userData.includes('rackpilot-install-to-disk') ? 2 : 1;
}

/** Resolves when every node is installed, phoned home from its installed system and answers over SSH. */
export async function waitUntilInstalled(deps: InstallWaitDeps, armed: readonly ArmedNode[], ctx: JobContext): Promise<void> {
  const deadline = Date.now() + deps.installTimeoutMs();
  const pending = new Map(armed.map((a) => [a.nodeId, a]));
  for (;;) {
    for (const a of [...pending.values()]) {
      const node = deps.node(a.nodeId);
      if (node.state === 'failed') {
        throw new RackpilotError(ErrorCode.Internal, `The install of ${node.name} failed: see its timeline on the Nodes page and its console on the Practice rack page, fix the cause, then try again.`);
      }
      if (node.state !== 'installed' || phoneHomesSince(deps.audit, a) < phoneHomesExpected(deps.profile(a.profileId))) continue;
      try {
        await readBootId(deps.ssh, targetFromNode(node), ctx.signal);
      } catch {
        if (ctx.signal.aborted) throw abortError();
        continue; // still booting: sshd not up yet
      }
      pending.delete(a.nodeId);
      ctx.log(`${node.name} is installed and answers over SSH`);
    }
    ctx.progress(1 - pending.size / Math.max(1, armed.length));
    if (pending.size === 0) return;
    if (Date.now() > deadline) {
      const names = [...pending.keys()].map((id) => deps.node(id).name).join(', ');
      throw new RackpilotError(ErrorCode.Timeout, `${names} did not finish installing in time: check their consoles (is network boot first in the boot order? are the boot services running?), then try again.`);
    }
    await sleep(POLL_MS, ctx.signal);
  }
}

function phoneHomesSince(audit: Pick<AuditLog, 'list'>, a: ArmedNode): number {
  return audit.list({ subjectId: a.nodeId, limit: 200 }).filter((e) => e.id > a.mark && e.kind === 'boot.phone-home').length;
}

