/**
 * Test helper for the lab tier: a learner at the Labs page, driving the API as the page does —
 * the lab's terminal (a command over the app's pooled SSH), the step's `## Solution` pasted as
 * written, and "Check my work" (by hand, or the automatic re-check until a step passes).
 */
import { expect } from 'vitest';
import type { BulkCommandResult, NodeCommandResult } from '../../../../shared/domain/command';
import type { StepCheckReport } from '../../../../shared/domain/lab';
import type { VlabTestApp } from '../../vlab/test-vlab';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A learner at the Labs page, one node, one app. */
export class Learner {
  readonly client: VlabTestApp['client'];
  constructor(
    readonly app: VlabTestApp,
    readonly nodeId: string,
  ) {
    this.client = app.client;
  }

  /** The lab's terminal: a command over the app's pooled SSH connection to the node; it must exit 0. */
  async run(command: string): Promise<NodeCommandResult> {
    const job = await this.client.call('nodes.runCommand', { ids: [this.nodeId], command, sudo: false });
    const settled = await this.app.app.services.jobs.settled(job.id);
    const result = (settled.result as BulkCommandResult | null)?.results[0];
    if (!result) throw new Error(`nodes.runCommand gave no result (${settled.state}: ${settled.error?.message ?? ''})`);
    expect(result, `\`${command}\`\n${result.error?.message ?? ''}\n${result.stdout}\n${result.stderr}`).toMatchObject({ state: 'ok', exitCode: 0 });
    return result;
  }

  /** The step's `## Solution`, as the Labs page shows it, run as written: each ```sh block pasted in turn. */
  async runSolution(labId: string, step: number): Promise<void> {
    const { markdown } = await this.client.call('labs.solution', { labId, step });
    const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length, `${labId} step ${step + 1}: no sh block in its solution`).toBeGreaterThan(0);
    expect(markdown, 'placeholders left unfilled').not.toMatch(/\{\{/);
    for (const block of blocks) await this.run(`set -e\n${block}`);
  }

  check(labId: string, auto = false): Promise<StepCheckReport> {
    return this.client.call('labs.check', { labId, auto });
  }

  /** "Check my work" until the step passes (auto-check while the node boots or a container starts). */
  async checkUntilPassed(labId: string, step: number, timeoutMs: number): Promise<StepCheckReport> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const report = await this.check(labId, true);
      expect(report.step, `${labId}: the run is on another step than the test expects`).toBe(step);
      if (report.passed) {
        expect(report.advanced).toBe(true);
        return report;
      }
      if (Date.now() > deadline) throw new Error(`${labId} step ${step + 1} did not pass within ${timeoutMs / 1000} s:\n${explain(report)}`);
      await sleep(3000);
    }
  }

  async completedAt(labId: string): Promise<string | null> {
    return (await this.client.call('labs.get', { labId })).run?.completedAt ?? null;
  }
}

/** A check report as the learner reads it: status, what ran, what was seen, the hint. */
export function explain(report: StepCheckReport): string {
  return report.results.map((r) => `  [${r.status}] ${r.checkId}: ${r.ran}\n    saw: ${r.saw.replace(/\n/g, '\n         ')}\n    hint: ${r.hint ?? '-'}`).join('\n');
}
