/**
 * What the API shows of a lab: the catalog summary with progress, and the lab's page (steps with
 * placeholders filled, the run, the nodes picked). A step's solution never appears here — only
 * whether it has one; labs.solution hands it out when the learner asks.
 */
import type { Lab, LabDetail, LabRun, LabStepView, LabSummary } from '../../../shared/domain/lab';
import type { Node } from '../../../shared/domain/node';
import { fillPlaceholders, type PlaceholderValues } from './format/placeholders';
import { stepsDone } from './run-progress';

export function summaryOf(lab: Lab, run: LabRun | null): LabSummary {
  const m = lab.manifest;
  return {
    id: m.id,
    title: m.title,
    summary: m.summary,
    order: m.order,
    estimatedMinutes: m.estimatedMinutes,
    prerequisites: m.prerequisites,
    requirements: m.requirements,
    nodes: m.nodes,
    reset: m.reset,
    source: lab.source,
    stepCount: lab.steps.length,
    progress: { started: run !== null, stepsDone: stepsDone(run), currentStep: run?.currentStep ?? 0, completed: run?.completedAt != null },
  };
}

/** `nodes`: role → the node now in the inventory for it (absent when removed since the start). */
export function detailOf(lab: Lab, run: LabRun | null, nodes: Record<string, Node>, values: PlaceholderValues): LabDetail {
  const steps: LabStepView[] = lab.steps.map((s) => ({
    index: s.index,
    title: fillPlaceholders(s.title, values),
    body: fillPlaceholders(s.body, values),
    hasSolution: s.solution !== null,
    checks: s.checks.map((c) => ({ id: c.id, title: fillPlaceholders(c.title, values), kind: c.kind })),
  }));
  const picked: LabDetail['nodes'] = {};
  for (const need of lab.manifest.nodes) {
    const node = run ? nodes[need.role] : undefined;
    picked[need.role] = node ? { id: node.id, name: node.name, address: node.address, state: node.state } : null;
  }
  return { summary: summaryOf(lab, run), realHardware: fillPlaceholders(lab.manifest.realHardware, values), steps, run, nodes: picked };
}
