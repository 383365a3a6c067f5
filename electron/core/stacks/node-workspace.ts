/**
 * The stack's folder on a node: `~/rackpilot/stacks/<name>/`, where Rackpilot mirrors the
 * compose.yaml and .env it applies, so `docker compose` run in that folder on the node sees the
 * same project (its labels name this folder as the working directory). The .env sent there also
 * carries Rackpilot's per-stack variables — docker compose on the node has no other way to get
 * them — and is therefore written 0600.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { StackFiles } from '../../../shared/domain/stack';
import { RackpilotError } from '../../../shared/errors';
import type { SshService } from '../ssh/ssh-service';
import { describeTarget, targetKey, type SshTarget } from '../ssh/target';
import { envLine } from './env-file';
import { COMPOSE_FILE, ENV_FILE } from './stack-store';

export const STACKS_ON_NODE = 'rackpilot/stacks';
export const STACK_FOLDER_FAILED = 'E_STACK_FOLDER';

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The .env docker compose on the node reads: the stack's .env, then its variables (later lines win). */
export function nodeEnvFile(files: StackFiles): string {
  const vars = Object.entries(files.variables);
  if (!vars.length) return files.env;
  const base = files.env === '' || files.env.endsWith('\n') ? files.env : files.env + '\n';
  return base + '# Set in Rackpilot (they override the lines above)\n' + vars.map(([k, v]) => envLine(k, v)).join('\n') + '\n';
}

export class NodeWorkspace {
  /** Home directory per connection target (a changed user or address asks again). */
  private readonly homes = new Map<string, string>();

  constructor(private readonly ssh: SshService) {}

  /** The absolute path of the stack's folder on the node (the project's working dir). */
  async folder(target: SshTarget, name: string, signal?: AbortSignal): Promise<string> {
    const key = targetKey(target);
    let home = this.homes.get(key);
    if (!home) {
      const r = await this.ssh.run(target, 'printf %s "$HOME"', { signal, timeoutMs: 30_000 });
      home = r.stdout.trim();
      if (r.exitCode !== 0 || !home.startsWith('/')) {
        throw new RackpilotError(STACK_FOLDER_FAILED, `Could not find ${target.user}'s home directory on ${describeTarget(target)} (${r.stderr.trim() || 'no $HOME'}). Check the node's SSH user.`);
      }
      this.homes.set(key, home);
    }
    return posix.join(home, STACKS_ON_NODE, name);
  }

  /** Copies compose.yaml and the merged .env into the stack's folder on the node, each replaced atomically. */
  async mirror(target: SshTarget, name: string, files: StackFiles, signal?: AbortSignal): Promise<string> {
    const folder = await this.folder(target, name, signal);
    const mk = await this.ssh.run(target, `mkdir -p ${shellQuote(folder)} && chmod 700 ${shellQuote(folder)}`, { signal, timeoutMs: 30_000 });
    if (mk.exitCode !== 0) {
      throw new RackpilotError(STACK_FOLDER_FAILED, `Could not create ${folder} on ${describeTarget(target)}: ${mk.stderr.trim() || `exit ${mk.exitCode}`}. Check that ${target.user} may write to its home directory.`);
    }
    const staging = mkdtempSync(join(tmpdir(), 'rackpilot-stack-'));
    try {
      writeFileSync(join(staging, COMPOSE_FILE), files.compose, { mode: 0o600 });
      writeFileSync(join(staging, ENV_FILE), nodeEnvFile(files), { mode: 0o600 });
      await this.ssh.upload(target, join(staging, COMPOSE_FILE), posix.join(folder, COMPOSE_FILE), { signal, mode: 0o644 });
      await this.ssh.upload(target, join(staging, ENV_FILE), posix.join(folder, ENV_FILE), { signal, mode: 0o600 });
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    return folder;
  }

  forget(target: SshTarget): void {
    this.homes.delete(targetKey(target));
  }
}
