/**
 * Rebooting a node into its network boot: through its power driver when it has one that can
 * reset it (practice-rack VMs, IPMI…), otherwise `systemctl reboot` over SSH. A reboot ends the
 * SSH session, often before the command reports back, so a dropped session counts as success.
 */
import type { Node } from '../../../../shared/domain/node';
import type { PowerService } from '../../vlab/power/power-service';
import type { SshService } from '../../ssh/ssh-service';
import type { SshTarget } from '../../ssh/target';

export function rebootNode(power: PowerService, ssh: SshService) {
  return async (node: Node, target: SshTarget, signal: AbortSignal): Promise<void> => {
    const status = power.status(node.id);
    if (status.actions.includes('reset')) {
      await power.act(node.id, 'reset');
      return;
    }
    try {
      // Delayed by a second so the command can return before the session goes away.
      const result = await ssh.run(target, 'nohup sh -c "sleep 1; systemctl reboot" >/dev/null 2>&1 &', { sudo: target.user !== 'root', timeoutMs: 30_000, signal });
      if (result.exitCode !== 0 && result.exitCode !== null) {
        throw new Error(`systemctl reboot exited with ${result.exitCode}: ${result.stderr.trim()}`);
      }
    } catch (err) {
      if (signal.aborted) throw err;
      const why = err instanceof Error ? err.message : String(err);
      if (/closed|reset|disconnect|ended/i.test(why)) return;
      throw new Error(`Could not reboot ${node.name} over SSH (${why}): power-cycle it by hand so it network-boots; the rebuild waits for its phone-home.`, { cause: err });
    }
  };
}
