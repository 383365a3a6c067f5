/**
 * A node's boot id (the kernel's random id for this boot): a new one means the node booted
 * again. Read when a step is reached and compared by the `rebooted` check.
 */
import type { Node } from '../../../../shared/domain/node';
import { abortError } from '../../abort';
import type { SshService } from '../../ssh/ssh-service';
import { targetFromNode, type SshTarget } from '../../ssh/target';

export const BOOT_ID_FILE = '/proc/sys/kernel/random/boot_id';
const BOOT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The node's boot id; throws when the node cannot be reached or gives none. */
export async function readBootId(ssh: Pick<SshService, 'run'>, target: SshTarget, signal?: AbortSignal): Promise<string> {
  const r = await ssh.run(target, `cat ${BOOT_ID_FILE}`, { timeoutMs: 15_000, ...(signal ? { signal } : {}) });
  const id = r.stdout.trim();
  if (r.exitCode !== 0 || !BOOT_ID.test(id)) throw new Error(`${target.name} gave no boot id (${r.stderr.trim() || `exit code ${r.exitCode}`})`);
  return id;
}

/** Role → boot id for every node that answers; an unreachable node is left out. */
export async function readBootIds(ssh: Pick<SshService, 'run'>, nodes: Record<string, Node>, signal?: AbortSignal): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(nodes).map(async ([role, node]): Promise<[string, string] | null> => {
      if (!node.address) return null;
      try {
        return [role, await readBootId(ssh, targetFromNode(node), signal)];
      } catch {
        if (signal?.aborted) throw abortError();
        return null;
      }
    }),
  );
  return Object.fromEntries(entries.filter((e): e is [string, string] => e !== null));
}
