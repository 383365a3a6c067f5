/**
 * Points a node's Docker at the lab registry, so `image: nginx` in a learner's compose file pulls
 * through it (practice nodes have no internet). Docker Hub names go through `registry-mirrors`;
 * the mirror speaks plain HTTP, so it is also listed under `insecure-registries`. Everything
 * else in daemon.json is kept, and Docker is restarted only when the file changed.
 */
import { posix } from 'node:path';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { SshService } from '../ssh/ssh-service';
import { shellQuote } from '../ssh/remote-command';
import { describeTarget, type SshTarget } from '../ssh/target';

export const DAEMON_JSON = '/etc/docker/daemon.json';
const NO_DOCKER = 'RACKPILOT-NO-DOCKER';

/** daemon.json with the mirror merged in; `changed` false when it was already there. Throws on a file Docker itself would refuse. */
export function mergeDaemonJson(existing: string | null, registry: string): { content: string; changed: boolean } {
  const text = existing?.trim() ?? '';
  let config: Record<string, unknown> = {};
  if (text !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new RackpilotError(ErrorCode.Validation, `daemon.json is not valid JSON (${(err as Error).message}); Docker would not start with it either. Fix or remove the file on the node, then start the lab again.`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new RackpilotError(ErrorCode.Validation, 'daemon.json does not hold a JSON object; fix or remove the file on the node, then start the lab again.');
    }
    config = parsed as Record<string, unknown>;
  }
  const mirrors = withEntry(config, 'registry-mirrors', `http://${registry}`, (a, b) => a.replace(/\/+$/, '') === b);
  const insecure = withEntry(config, 'insecure-registries', registry, (a, b) => a === b);
  const changed = mirrors.added || insecure.added;
  const merged = { ...config, 'registry-mirrors': mirrors.list, 'insecure-registries': insecure.list };
  return { content: changed ? `${JSON.stringify(merged, null, 2)}\n` : (existing ?? ''), changed };
}

function withEntry(config: Record<string, unknown>, key: string, value: string, same: (a: string, b: string) => boolean): { list: string[]; added: boolean } {
  const current = config[key] ?? [];
  if (!Array.isArray(current) || current.some((v) => typeof v !== 'string')) {
    throw new RackpilotError(ErrorCode.Validation, `"${key}" in daemon.json is not a list of strings; fix it on the node, then start the lab again.`);
  }
  const list = current as string[];
  return list.some((v) => same(v, value)) ? { list, added: false } : { list: [...list, value], added: true };
}

export interface MirrorOptions {
  /** Default /etc/docker/daemon.json (tests use a file of their own). */
  daemonJson?: string;
  /** Default `systemctl restart docker`. */
  restartCommand?: string;
  signal?: AbortSignal;
}

export type MirrorOutcome = 'no-docker' | 'unchanged' | 'updated';

/** Reads, merges and (when changed) writes daemon.json with sudo, then restarts Docker. */
export async function pointDockerAtRegistry(ssh: Pick<SshService, 'run'>, target: SshTarget, registry: string, opts: MirrorOptions = {}): Promise<MirrorOutcome> {
  const file = opts.daemonJson ?? DAEMON_JSON;
  const base = { sudo: target.user !== 'root', timeoutMs: 30_000, ...(opts.signal ? { signal: opts.signal } : {}) } as const;
  const where = describeTarget(target);
  // Under sudo PATH includes /usr/sbin, where Debian's docker.io puts dockerd.
  const read = await ssh.run(target, `if ! command -v dockerd >/dev/null 2>&1 && ! command -v docker >/dev/null 2>&1; then echo ${NO_DOCKER}; exit 0; fi; if [ -e ${shellQuote(file)} ]; then cat ${shellQuote(file)}; fi`, base);
  if (read.exitCode !== 0) throw failed(where, `reading ${file}`, read.stderr);
  if (read.stdout.trim() === NO_DOCKER) return 'no-docker';
  const { content, changed } = mergeDaemonJson(read.stdout, registry);
  if (!changed) return 'unchanged';
  const q = shellQuote(file);
  const tmp = shellQuote(`${file}.rackpilot.tmp`);
  const write = await ssh.run(target, `mkdir -p ${shellQuote(posix.dirname(file))} && cat > ${tmp} && chmod 644 ${tmp} && mv -f ${tmp} ${q}`, { ...base, stdin: content });
  if (write.exitCode !== 0) throw failed(where, `writing ${file}`, write.stderr);
  const restart = await ssh.run(target, opts.restartCommand ?? 'systemctl restart docker', { ...base, timeoutMs: 120_000 });
  if (restart.exitCode !== 0) throw failed(where, 'restarting Docker', restart.stderr);
  return 'updated';
}

function failed(where: string, what: string, stderr: string): RackpilotError {
  const why = stderr.trim().split('\n').slice(-3).join(' ') || 'no output';
  return new RackpilotError(ErrorCode.Internal, `Pointing Docker on ${where} at the lab registry failed while ${what} (${why}). The user needs passwordless sudo there; fix that, then start the lab again.`);
}
