/**
 * `rebooted`: the node booted again since the learner reached the step — its boot id differs
 * from the one recorded then. A node still down mid-reboot is an error (try again shortly).
 */
import { BOOT_ID_FILE, readBootId } from './boot-ids';
import { CannotRun, nameOf, sshTargetFor, type CheckKind } from './check-kit';

export const rebootedCheck: CheckKind<'rebooted'> = {
  ran: (c, target) => `compare the boot id of ${nameOf(c.node, target)} (${BOOT_ID_FILE}) with the one recorded when you reached this step`,

  async judge(c, { target, deps, signal }) {
    const ssh = sshTargetFor(c.node, target);
    const before = target.bootIds[c.node];
    if (!before) {
      throw new CannotRun(
        `Rackpilot did not record the boot id of ${ssh.name} when you reached this step (it was not reachable then).`,
        'Open the previous step and come back to this one while the node is up, then reboot it and check again.',
      );
    }
    let now: string;
    try {
      now = await readBootId(deps.ssh, ssh, signal);
    } catch (err) {
      throw new CannotRun(`${ssh.name} did not answer: ${(err as Error).message}`, `If ${ssh.name} is still rebooting, wait until it is back and check again.`);
    }
    const short = (id: string) => id.slice(0, 8);
    return now === before
      ? { pass: false, saw: `${ssh.name} has the same boot id as when you reached this step (${short(now)}…): it has not booted again.` }
      : { pass: true, saw: `${ssh.name} booted again: boot id ${short(now)}… (was ${short(before)}…).` };
  },
};
