/**
 * `command`: runs the lab's command on the node over SSH and judges its exit code and output.
 * A command that outlives its timeout is the learner's answer (something hangs), so it fails; a
 * node that cannot be reached or a sudo that wants a password is an error.
 */
import { abortError } from '../../abort';
import { clip, deadline, labRegex, nameOf, seconds, sshTargetFor, type CheckKind, type Verdict } from './check-kit';

export const commandCheck: CheckKind<'command'> = {
  ran: (c, target) => `\`${c.run}\` on ${nameOf(c.node, target)}${c.sudo ? ' with sudo' : ''}`,

  async judge(c, { target, deps, signal }): Promise<Verdict> {
    const ssh = sshTargetFor(c.node, target);
    const limit = deadline(c.timeoutSeconds * 1000, signal);
    let r;
    try {
      r = await deps.ssh.run(ssh, c.run, { sudo: c.sudo, signal: limit.signal });
    } catch (err) {
      if (limit.timedOut()) return { pass: false, saw: `Still running after ${seconds(c.timeoutSeconds * 1000)}: stopped it (its processes on the node were killed).` };
      if (signal?.aborted) throw abortError();
      throw err;
    }
    const stdout = r.stdout;
    const problems: string[] = [];
    if (r.exitCode !== c.exitCode) problems.push(r.exitCode === null ? `it was killed by ${r.signal ?? 'a signal'} (expected exit code ${c.exitCode})` : `exit code ${r.exitCode} (expected ${c.exitCode})`);
    if (c.stdoutMatches !== undefined && !labRegex(c.stdoutMatches).test(stdout)) problems.push(`its output does not match /${c.stdoutMatches}/`);
    if (c.stdoutNotMatches !== undefined && labRegex(c.stdoutNotMatches).test(stdout)) problems.push(`its output matches /${c.stdoutNotMatches}/, which it should not`);
    const head = problems.length ? problems.join('; ') : `exit code ${r.exitCode}`;
    const parts = [head.charAt(0).toUpperCase() + head.slice(1) + '.'];
    if (stdout.trim()) parts.push(`Output:\n${clip(stdout)}`);
    if (r.stderr.trim()) parts.push(`Errors:\n${clip(r.stderr, 400)}`);
    return { pass: problems.length === 0, saw: parts.join('\n') };
  },
};
