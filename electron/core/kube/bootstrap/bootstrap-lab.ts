/**
 * Test helper for bootstrap.int.test.ts: a temp app (real SQLite, real SSH service) whose
 * inventory holds a stand-in rack's nodes, and the bootstrap run as a real job through it.
 */
import { spawnSync } from 'node:child_process';
import { clusterSpecSchema, type ClusterSpec } from '../../../../shared/domain/cluster';
import type { Job } from '../../../../shared/domain/job';
import type { Node } from '../../../../shared/domain/node';
import type { StandInCall, StandInNode, StandInRack } from '../../testing/kube-rack';
import { createTempApp, type TempApp } from '../../testing/temp-app';
import { clusterMembers } from '../cluster-members';
import { sshRemote, type KubeNode } from '../remote';
import { renderCluster, type RenderedCluster } from '../render/render-cluster';
import { BOOTSTRAP_PHASES, runBootstrap, type BootstrapResult, type BootstrapTiming, type PhaseReport } from './index';

/** Whether the stand-in kubeadm init runs in the node (the PID namespace is the host's: look only at the node's netns). */
export function initRunning(node: StandInNode): boolean {
  const r = spawnSync('sh', ['-c', `ip netns pids '${node.ns}' | xargs -r ps -o args= -p | grep -q 'bin/kubeadm init'`]);
  return r.status === 0;
}
export const TIMING: Partial<BootstrapTiming> = { readyTimeoutMs: 90_000, pollMs: 1_000, retryDelayMs: 200, apiGraceMs: 3_000 };

export interface Run {
  job: Job;
  result: BootstrapResult | null;
  error: unknown;
  log: string;
  phases: Record<string, PhaseReport['outcome']>;
}

/** A temp app whose inventory holds the rack's nodes, pinned to their real host keys. */
export class Lab {
  t!: TempApp;
  nodes: Node[] = [];
  constructor(readonly rack: StandInRack) {}

  async open(): Promise<void> {
    this.t = createTempApp();
    const key = this.t.app.services.ssh.publicKey;
    if (!key) throw new Error('the temp app has no SSH key');
    this.rack.authorize(key.authorizedKey);
    this.nodes = this.rack.nodes.map((n, i) => {
      const node = this.t.app.services.nodes.create({
        name: n.name,
        mac: `52:54:00:7b:00:${(i + 1).toString(16).padStart(2, '0')}`,
        address: n.address,
        sshUser: this.rack.user,
        sshPort: n.port,
        role: 'unassigned',
        tags: [],
        notes: '',
      });
      return this.t.app.services.nodes.pinHostKey(node.id, n.hostKey);
    });
  }

  id(name: string): string {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node.id;
  }

  spec(controlPlane: string[], workers: string[], extra: { controlPlaneEndpoint?: string } = {}): ClusterSpec {
    return clusterSpecSchema.parse({ name: 'lab', controlPlane: controlPlane.map((n) => this.id(n)), workers: workers.map((n) => this.id(n)), ...extra });
  }

  members(spec: ClusterSpec): KubeNode[] {
    return clusterMembers(spec, (id) => this.t.app.services.nodes.get(id)).members;
  }

  /** Starts the bootstrap as a real job; `run.done` settles with its outcome. */
  start(spec: ClusterSpec, rendered: RenderedCluster, timing: Partial<BootstrapTiming> = TIMING): { job: Job; done: Promise<Run> } {
    const { jobs, ssh } = this.t.app.services;
    let result = null as BootstrapResult | null;
    let error = null as unknown;
    const job = jobs.start({ kind: 'cluster.bootstrap', title: 'Bootstrap cluster lab', phases: [...BOOTSTRAP_PHASES] }, async (ctx) => {
      try {
        result = await runBootstrap({ remote: sshRemote(ssh), ssh, timing }, { spec, nodes: this.members(spec), rendered }, ctx);
        return result;
      } catch (err) {
        error = err;
        throw err;
      }
    });
    const done = (async () => {
      const settled = await jobs.settled(job.id);
      const log = jobs.logs(job.id, 0, 50_000).map((l) => l.line).join('\n');
      const phases = Object.fromEntries((result?.phases ?? []).map((p) => [p.name, p.outcome]));
      return { job: settled, result, error, log, phases };
    })();
    return { job, done };
  }

  async bootstrap(spec: ClusterSpec, rendered = renderCluster(spec, this.members(spec)), timing?: Partial<BootstrapTiming>): Promise<Run> {
    return this.start(spec, rendered, timing).done;
  }

  async close(): Promise<void> {
    await this.t?.close();
  }
}

export const kubeadm = (rack: StandInRack, sub: string, node?: string): StandInCall[] =>
  rack.calls({ tool: 'kubeadm', ...(node ? { node } : {}) }).filter((c) => c.args[0] === sub && !c.args.includes('phase'));

export function expectSucceeded(run: Run): BootstrapResult {
  if (run.job.state !== 'succeeded' || !run.result) throw new Error(`bootstrap ${run.job.state}: ${run.job.error?.message}\n${run.log.slice(-6000)}`);
  return run.result;
}

export function diagnosisCodes(run: Run): string[] {
  const details = (run.error as { details?: { diagnoses?: { code: string }[] } } | null)?.details;
  return (details?.diagnoses ?? []).map((d) => d.code);
}
