/**
 * A learner's progress through a lab, on disk: `<dataDir>/labs/runs/<labId>.json`, one file per
 * lab. Files are replaced atomically (a crash leaves the old run or the new one), and a file that
 * does not parse is reported, never silently treated as "not started".
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LAB_CHECK_KINDS, LAB_ID, type LabCheckKind, type LabRun } from '../../../shared/domain/lab';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { writeFileAtomic } from '../stacks/stack-store';

const resultSchema = z.object({
  checkId: z.string(),
  title: z.string(),
  kind: z.enum(LAB_CHECK_KINDS as [LabCheckKind, ...LabCheckKind[]]),
  status: z.enum(['pass', 'fail', 'error']),
  ran: z.string(),
  saw: z.string(),
  hint: z.string().nullable(),
  at: z.string(),
  durationMs: z.number(),
});

const stepSchema = z.object({
  reachedAt: z.string().nullable(),
  bootIds: z.record(z.string(), z.string()),
  completedAt: z.string().nullable(),
  solutionShown: z.boolean(),
  lastCheck: z.object({ at: z.string(), passed: z.boolean(), results: z.array(resultSchema) }).nullable(),
});

const runSchema = z.object({
  labId: z.string().regex(LAB_ID),
  startedAt: z.string(),
  nodes: z.record(z.string(), z.string()),
  currentStep: z.number().int().min(0),
  steps: z.array(stepSchema),
  completedAt: z.string().nullable(),
  resetJobId: z.string().nullable(),
});

export class RunStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'labs', 'runs');
  }

  file(labId: string): string {
    if (!LAB_ID.test(labId)) throw new RackpilotError(ErrorCode.Validation, `"${labId}" is not a lab id: lab ids are lower-case slugs like 01-first-node`);
    return join(this.root, `${labId}.json`);
  }

  /** The run, or null when the lab was never started (or stopped). */
  read(labId: string): LabRun | null {
    const file = this.file(labId);
    if (!existsSync(file)) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new RackpilotError(ErrorCode.Internal, `${file} is not valid JSON (${(err as Error).message}): delete it to forget this lab's progress, then start the lab again`);
    }
    const parsed = runSchema.safeParse(raw);
    if (!parsed.success) {
      throw new RackpilotError(ErrorCode.Internal, `${file} does not look like a lab run (${parsed.error.issues[0]?.message ?? 'invalid'}): delete it to forget this lab's progress, then start the lab again`);
    }
    return parsed.data;
  }

  /** Every stored run, by lab id; a broken file is skipped here (reading that lab reports it). */
  all(): Map<string, LabRun> {
    const runs = new Map<string, LabRun>();
    if (!existsSync(this.root)) return runs;
    for (const name of readdirSync(this.root)) {
      const labId = name.replace(/\.json$/, '');
      if (!name.endsWith('.json') || !LAB_ID.test(labId)) continue;
      try {
        const run = this.read(labId);
        if (run) runs.set(labId, run);
      } catch {
        // labs.get names the broken file; the catalog just shows the lab as not started.
      }
    }
    return runs;
  }

  write(run: LabRun): void {
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    writeFileAtomic(this.file(run.labId), `${JSON.stringify(run, null, 2)}\n`, 0o600);
  }

  remove(labId: string): void {
    rmSync(this.file(labId), { force: true });
  }
}
