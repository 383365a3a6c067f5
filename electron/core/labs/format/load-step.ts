/**
 * Loads one step file: front matter validated against the step schema, then the rules zod
 * cannot know — check ids unique in the step, roles declared in lab.yaml, placeholders known —
 * each problem located in the .md file.
 */
import { labCheckSchema, labStepFrontMatterSchema, type LabIssue, type LabStep } from '../../../../shared/domain/lab';
import { checkTexts, placeholderProblems } from './placeholders';
import { schemaIssues, type SchemaContext } from './schema-issues';
import { placeInPart, splitStepFile, type TextPart } from './step-file';
import { parseYamlSource, type YamlPath, type YamlSource } from './yaml-source';

const ROLE_FIELDS = ['node', 'from', 'to'] as const;

const stepContext: SchemaContext = {
  documentName: 'the front matter',
  allowedKeys(path: YamlPath, value: unknown) {
    if (path.length === 0) return Object.keys(labStepFrontMatterSchema.shape);
    if (path.length === 2 && path[0] === 'checks') {
      const kind = (value as { kind?: unknown } | null)?.kind;
      const option = labCheckSchema.options.find((o) => o.shape.kind.value === kind);
      return option ? Object.keys(option.shape) : null;
    }
    return null;
  },
};

/** `file` is relative to the lab folder (steps/01-x.md); `roles` are the roles lab.yaml declares. */
export function loadStepFile(file: string, text: string, index: number, roles: readonly string[]): { step: LabStep; issues: [] } | { step: null; issues: LabIssue[] } {
  const split = splitStepFile(text);
  if (!split.ok) return { step: null, issues: [{ file, line: split.line, column: split.column, message: split.message }] };
  const { frontMatter, body, solution, solutionHeadingLine } = split.parts;
  const parsed = parseYamlSource(file, frontMatter.text, frontMatter.line);
  if (!parsed.source) return { step: null, issues: parsed.issues };
  const src = parsed.source;
  const result = labStepFrontMatterSchema.safeParse(src.value);
  const issues: LabIssue[] = result.success ? [] : schemaIssues(result.error, src, stepContext);
  if (result.success) issues.push(...checkRules(src, result.data.checks, roles));
  issues.push(...textProblems(file, body, roles), ...(solution ? textProblems(file, solution, roles) : []));
  if (solution && solution.text.trim() === '' && solutionHeadingLine !== null) {
    issues.push({ file, line: solutionHeadingLine, column: 1, message: '"## Solution" has nothing under it: write the solution below the heading, or remove the heading' });
  }
  if (!result.success || issues.length > 0) return { step: null, issues };
  return {
    step: {
      index,
      file,
      title: result.data.title,
      body: body.text.trim(),
      solution: solution ? solution.text.trim() : null,
      checks: result.data.checks,
    },
    issues: [],
  };
}

function checkRules(src: YamlSource, checks: LabStep['checks'], roles: readonly string[]): LabIssue[] {
  const issues: LabIssue[] = [];
  const seen = new Map<string, number>();
  checks.forEach((check, i) => {
    const first = seen.get(check.id);
    if (first !== undefined) {
      issues.push(src.issue(src.placeOf(['checks', i, 'id']), `check id "${check.id}" is used twice in this step (first on line ${first}): give each check its own id`));
    } else seen.set(check.id, src.placeOf(['checks', i, 'id']).line);
    for (const field of ROLE_FIELDS) {
      const role = (check as Partial<Record<(typeof ROLE_FIELDS)[number], string>>)[field];
      if (role === undefined || (field === 'from' && role === 'host') || roles.includes(role)) continue;
      const known = roles.length > 0 ? `lab.yaml declares ${roles.join(', ')}${field === 'from' ? ' (or use host for this computer)' : ''}` : 'this lab declares no nodes in lab.yaml';
      issues.push(src.issue(src.placeOf(['checks', i, field]), `check "${check.id}": ${field} "${role}" is not a role of this lab: ${known}. Use a declared role, or declare "${role}" under nodes: in lab.yaml`));
    }
    for (const { path, text } of checkTexts(check)) {
      for (const p of placeholderProblems(text, roles)) {
        issues.push(src.issue(src.placeInString(['checks', i, ...path], p.index), `check "${check.id}": ${String(path[0])}: ${p.message}`));
      }
    }
  });
  return issues;
}

function textProblems(file: string, part: TextPart, roles: readonly string[]): LabIssue[] {
  return placeholderProblems(part.text, roles).map((p) => ({ file, ...placeInPart(part, p.index), message: p.message }));
}
