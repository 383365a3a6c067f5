/**
 * "Make practice nodes" for a lab: one practice-rack VM per role, on the bridged lab network when
 * this machine can run it (the nodes then see each other and Rackpilot as on a real rack), else
 * rootless. A role that must keep its changes across a reboot gets the install-to-disk profile,
 * the others the live image. Unless the lab boots its nodes itself (practiceStart: created), each
 * one is installed and waited for until it answers over SSH, as a learner's own machine would be.
 */
import { vlabCreateInput, type VlabStatus } from '../../../shared/domain/vlab';
import type { LabManifest } from '../../../shared/domain/lab';
import type { Node } from '../../../shared/domain/node';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { abortError } from '../abort';
import type { JobContext } from '../jobs/jobs-service';
import type { VlabService } from '../vlab/vlab-service';
import { timelineMark, waitUntilInstalled, type ArmedNode, type InstallWaitDeps } from './install-wait';

export const PRACTICE_PHASES = ['Creating nodes', 'Installing', 'Starting the lab'] as const;

export interface PracticeDeps extends InstallWaitDeps {
  vlab: Pick<VlabService, 'status' | 'create' | 'start'>;
  requestInstall(nodeId: string, profileId: string): Node;
  /** Whether the boot services run (rootless nodes network-boot from them). */
  bootRunning(): Promise<boolean>;
}

export function practiceProfile(persistent: boolean): string {
  return persistent ? 'install-to-disk' : 'live-image';
}

/** Creates (and unless the lab boots them itself, installs) a node per role; returns role → node id. */
export async function makePracticeNodes(deps: PracticeDeps, manifest: LabManifest, ctx: JobContext): Promise<Record<string, string>> {
  const status = await deps.vlab.status();
  if (!status.available) {
    throw new RackpilotError(ErrorCode.Conflict, `The practice rack cannot run here: ${status.message ?? 'QEMU is missing'}${status.install ? ` Install it with: ${status.install}` : ''}`);
  }
  const network = status.network.bridged?.available ? 'bridged' : 'rootless';
  const install = manifest.practiceStart === 'installed';
  if (install && network === 'rootless' && !(await deps.bootRunning())) {
    throw new RackpilotError(ErrorCode.Conflict, 'The boot services are not running, and rootless practice nodes network-boot from them: start them on the Boot page, then make the practice nodes again.');
  }
  ctx.phase(PRACTICE_PHASES[0]);
  ctx.log(`Practice nodes on the ${network} network (${reasonOf(status, network)})`);
  const assignment: Record<string, string> = {};
  const armed: ArmedNode[] = [];
  for (const need of manifest.nodes) {
    if (ctx.signal.aborted) throw abortError();
    const [vm] = await deps.vlab.create(vlabCreateInput.parse({ namePrefix: prefixFor(manifest.id, need.role), network, diskGb: need.persistent ? 10 : 4, ...need.practiceSize }));
    if (!vm?.nodeId) throw new RackpilotError(ErrorCode.Internal, `The practice rack made no inventory node for role ${need.role}; look at the Practice rack page, then try again.`);
    assignment[need.role] = vm.nodeId;
    ctx.log(`${need.role}: created ${vm.name}${install ? ` (${practiceProfile(need.persistent)})` : ''}`);
    if (!install) continue;
    const profileId = practiceProfile(need.persistent);
    const mark = timelineMark(deps.audit, vm.nodeId);
    deps.requestInstall(vm.nodeId, profileId);
    await deps.vlab.start(vm.id);
    armed.push({ nodeId: vm.nodeId, profileId, mark });
  }
  if (install) {
    ctx.phase(PRACTICE_PHASES[1]);
    ctx.log('Waiting for the nodes to network-boot, install and answer over SSH (a few minutes)');
    await waitUntilInstalled(deps, armed, ctx);
  } else {
    ctx.log('The nodes are created and switched off: the lab itself boots them');
  }
  ctx.phase(PRACTICE_PHASES[2]);
  return assignment;
}

/** Node names say which lab and role they serve: "lab01-web-01". */
function prefixFor(labId: string, role: string): string {
  const lab = labId.replace(/[^a-z0-9]/g, '').slice(0, 6) || 'lab';
  return `${/^[a-z]/.test(lab) ? lab : `lab${lab}`}-${role}`.slice(0, 20).replace(/-+$/, '');
}

function reasonOf(status: VlabStatus, network: 'bridged' | 'rootless'): string {
  return network === 'bridged' ? 'the nodes and this computer share an isolated lab network' : (status.network.bridged?.reason ?? status.network.reason);
}
