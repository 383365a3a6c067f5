/**
 * Test helper for the engine's integration tests: a dockerode client on the local engine, unique
 * stack names per test process (helpers share the engine), an ApplyContext that records what an
 * apply reported, and clean-up by labels.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { checkComposeSpec } from '../../testing/compose-schema';
import { DOCKER_SOCKET, docker as dockerCli } from '../../testing/docker';
import { tempDir } from '../../testing/temp-app';
import { loadComposeProject } from '../compose/load-project';
import type { ComposeProject } from '../compose/model';
import type { ApplyContext } from './apply';
import { downStack } from './down';
import type { PullProgress } from './pull';

export function localDocker(): Docker {
  return new Docker({ socketPath: DOCKER_SOCKET });
}

/** `rpt-<purpose>-<pid>`: a compose project name no other test process uses. */
export function uniqueStackName(purpose: string): string {
  return `rpt-${purpose}-${process.pid}`;
}

export interface RecordingContext extends ApplyContext {
  logs: string[];
  phases: string[];
  pulls: PullProgress[];
}

export function recordingContext(opts: { signal?: AbortSignal; expectPlanHash?: string } = {}): RecordingContext {
  const ctx: RecordingContext = {
    signal: opts.signal ?? new AbortController().signal,
    expectPlanHash: opts.expectPlanHash,
    logs: [],
    phases: [],
    pulls: [],
    log: (line) => ctx.logs.push(line),
    phase: (name) => ctx.phases.push(name),
    progress: () => {},
    onPull: (p) => ctx.pulls.push(p),
  };
  return ctx;
}

/** Removes everything the stack left (containers, networks, volumes). */
export async function removeStack(docker: Docker, name: string): Promise<void> {
  await downStack(docker, name, { removeVolumes: true, log: () => {} });
}

/** Container id of a service's container, by labels; null when there is none. */
export async function serviceContainerId(docker: Docker, stack: string, service: string): Promise<string | null> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`com.docker.compose.project=${stack}`, `com.docker.compose.service=${service}`] },
  });
  return list[0]?.Id ?? null;
}

/** `docker exec` through the CLI: what a user on the node would run. */
export function execIn(containerId: string, script: string): string {
  return dockerCli(['exec', containerId, 'sh', '-c', script]);
}

/** Untags what this process pulled from its own registry (the ports differ per process, so the refs are ours alone). */
export function untagPulled(refs: string[]): void {
  for (const ref of refs) spawnSync('docker', ['rmi', ref], { stdio: 'ignore' });
}

/**
 * A compose file as a test writes it: checked against the compose spec (so docker compose would
 * accept it too), written to the stack's folder (for docker-compose; a new one unless `dir` is
 * given, as when a test edits the file), and loaded by Rackpilot's loader.
 */
export function loadTestProject(name: string, yaml: string, dir = tempDir(`rackpilot-${name}-`)): { project: ComposeProject; dir: string; file: string } {
  const spec = checkComposeSpec(yaml);
  if (!spec.ok) throw new Error(`test compose file is not valid compose: ${spec.errors.join('; ')}`);
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, yaml);
  const { project, issues } = loadComposeProject({
    projectName: name,
    workingDir: dir,
    files: [{ name: 'compose.yaml', content: yaml }],
    envFile: '',
    variables: {},
    profiles: [],
  });
  if (!project) throw new Error(`the loader refused the test compose file: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return { project, dir, file };
}
