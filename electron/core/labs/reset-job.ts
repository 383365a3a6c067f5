/**
 * The reinstalling part of a lab reset (manifest `reset: reinstall`): every node of the run is
 * armed to install its boot profile again and rebooted into the network boot (its power driver
 * when it has one, else `systemctl reboot` over SSH), then waited for until the fresh system
 * answers over SSH. The learner starts the lab again from a clean OS, as the lab's first step expects.
 */
import type { Node } from '../../../shared/domain/node';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { abortError } from '../abort';
import type { JobContext } from '../jobs/jobs-service';
import { targetFromNode, type SshTarget } from '../ssh/target';
import { timelineMark, waitUntilInstalled, type ArmedNode, type InstallWaitDeps } from './install-wait';

export const RESET_PHASES = ['Clearing progress', 'Reinstalling nodes', 'Waiting for the nodes'] as const;

export interface ReinstallDeps extends InstallWaitDeps {
  requestInstall(nodeId: string, profileId: string): Node;
  /** Power driver reset when the node has one, else `systemctl reboot` over SSH with the given (pre-install) target. */
  reboot(node: Node, target: SshTarget, signal: AbortSignal): Promise<void>;
}

/** The nodes of the run, each with the profile it will be reinstalled with; refuses before touching any. */
export function reinstallPlan(nodes: Node[]): { node: Node; profileId: string }[] {
  const missing = nodes.filter((n) => !n.profileId);
  if (missing.length > 0) {
    throw new RackpilotError(
      ErrorCode.Validation,
      `${missing.map((n) => n.name).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no boot profile to reinstall with: install ${missing.length === 1 ? 'it' : 'them'} once from the Nodes page (which records the profile), then reset the lab again.`,
    );
  }
  return nodes.map((node) => ({ node, profileId: node.profileId as string }));
}

export async function reinstallNodes(deps: ReinstallDeps, plan: { node: Node; profileId: string }[], ctx: JobContext): Promise<void> {
  ctx.phase(RESET_PHASES[1]);
  const armed: ArmedNode[] = [];
  for (const { node, profileId } of plan) {
    if (ctx.signal.aborted) throw abortError();
    // The reboot must use the pins the node has now: arming the install forgets them.
    const before = targetFromNode(node);
    const mark = timelineMark(deps.audit, node.id);
    deps.requestInstall(node.id, profileId);
    ctx.log(`${node.name}: install of profile ${profileId} armed; rebooting it into the network boot`);
    await deps.reboot(node, before, ctx.signal);
    armed.push({ nodeId: node.id, profileId, mark });
  }
  ctx.phase(RESET_PHASES[2]);
  await waitUntilInstalled(deps, armed, ctx);
}
