/**
 * `file`: a regular file on the node, read over SSH (with sudo when the lab says the file is
 * root's) and matched against the lab's pattern. A file that is missing, not a regular file or
 * unreadable is the learner's answer, so it fails.
 */
import { shellQuote } from '../../ssh/remote-command';
import { CannotRun, clip, labRegex, nameOf, sshTargetFor, type CheckKind } from './check-kit';

/** Enough of a config file to match against. */
const READ_BYTES = 64 * 1024;
const MISSING = 3;
const NOT_REGULAR = 4;

export const fileCheck: CheckKind<'file'> = {
  ran: (c, target) => `read ${c.path} on ${nameOf(c.node, target)}${c.sudo ? ' with sudo' : ''}`,

  async judge(c, { target, deps, signal }) {
    const ssh = sshTargetFor(c.node, target);
    const p = shellQuote(c.path);
    const command = `if [ -f ${p} ]; then head -c ${READ_BYTES} -- ${p}; elif [ -e ${p} ]; then exit ${NOT_REGULAR}; else exit ${MISSING}; fi`;
    const r = await deps.ssh.run(ssh, command, { sudo: c.sudo, timeoutMs: 30_000, ...(signal ? { signal } : {}) });
    if (r.exitCode === MISSING) return { pass: false, saw: `There is no file ${c.path} on ${ssh.name}.` };
    if (r.exitCode === NOT_REGULAR) return { pass: false, saw: `${c.path} on ${ssh.name} exists but is not a regular file (a directory?).` };
    if (r.exitCode !== 0) {
      if (/Permission denied/.test(r.stderr)) return { pass: false, saw: `${c.path} exists but ${ssh.user} may not read it: ${clip(r.stderr, 200)}` };
      throw new CannotRun(`Reading ${c.path} on ${ssh.name} failed (exit code ${r.exitCode}): ${clip(r.stderr, 300)}`, 'Check again; if it persists, look at the node over SSH.');
    }
    if (c.contentMatches === undefined) return { pass: true, saw: `${c.path} exists (${r.stdout.length} characters read).` };
    const match = labRegex(c.contentMatches).exec(r.stdout);
    if (match) return { pass: true, saw: `${c.path} contains "${clip(match[0], 200)}".` };
    return { pass: false, saw: `${c.path} does not match /${c.contentMatches}/. It reads:\n${r.stdout.trim() ? clip(r.stdout) : '(empty)'}` };
  },
};
