/**
 * CPU time per group of processes, through cgroups (root only): a process put in a group takes
 * every descendant with it — including ones that daemonize, like ssh's ControlPersist masters,
 * which per-process counters (getrusage of children) never see. Used by the SSH fan-out
 * benchmark to split a run's CPU into "the client" and "the hosts' sshd", which share this
 * machine's CPUs on loopback. cgroup v1 cpuacct when mounted, else v2's cpu.stat.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const V1 = '/sys/fs/cgroup/cpuacct';
const V2_ROOTS = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup'];

function hierarchy() {
  if (existsSync(join(V1, 'cpuacct.usage'))) {
    return { root: V1, usageNs: (dir) => Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8')) };
  }
  const root = V2_ROOTS.find((r) => existsSync(join(r, 'cgroup.controllers')));
  if (!root) return null;
  return { root, usageNs: (dir) => Number(/usage_usec (\d+)/.exec(readFileSync(join(dir, 'cpu.stat'), 'utf8'))[1]) * 1000 };
}

/**
 * Groups named `names` under a per-process parent; null (with the reason in `whyNot`) when
 * cgroups are not writable here. `enter(name, pid)` moves a process (and its future children);
 * `usageMs(name)` is the group's CPU time so far; `remove()` deletes the (empty) groups.
 */
export function cpuGroups(names) {
  const h = hierarchy();
  if (!h) return { groups: null, whyNot: 'no cgroup cpu accounting mounted' };
  const parent = join(h.root, `rackpilot-bench-${process.pid}`);
  try {
    mkdirSync(parent, { recursive: true });
    for (const n of names) mkdirSync(join(parent, n), { recursive: true });
  } catch (err) {
    return { groups: null, whyNot: `cannot create cgroups under ${h.root} (${err.code ?? err.message})` };
  }
  return {
    groups: {
      /** A shell prefix that joins the group before exec'ing the command (nothing escapes the move). */
      joinPrefix: (name) => `echo $$ > ${join(parent, name, 'cgroup.procs')} && exec`,
      enter: (name, pid) => writeFileSync(join(parent, name, 'cgroup.procs'), String(pid)),
      usageMs: (name) => h.usageNs(join(parent, name)) / 1e6,
      remove() {
        for (const n of names) {
          try {
            rmdirSync(join(parent, n));
          } catch {
            // still has processes (a straggler): the kernel refuses; it is harmless and tiny
          }
        }
        try {
          rmdirSync(parent);
        } catch {
          // as above
        }
      },
    },
    whyNot: null,
  };
}
