/**
 * Placeholders in lab text: {{nodes.<role>.name|address|user}}, {{host.address}} and
 * {{lab.registry}}, filled from the learner's run.
 *
 * Lab text is full of Go templates (`docker ps --format '{{.Names}}'`, `{{range …}}{{end}}`), so
 * only `{{word.word…}}` and `{{nodes…}}`/`{{host…}}`/`{{lab…}}` count as placeholders: a dotted
 * name starting with a letter is what a placeholder (or a typo of one) looks like, while Go
 * templates start with a dot, a space-separated action or a bare keyword.
 */
import type { LabCheck } from '../../../../shared/domain/lab';

export interface PlaceholderValues {
  /** Role → the node the learner picked for it. A role missing here is shown as ‹role›. */
  nodes: Record<string, { name: string; address: string; user: string }>;
  /** Where nodes reach this computer. */
  hostAddress: string;
  /** The registry nodes' Docker pulls through, or "". */
  registry: string;
}

const CANDIDATE = /\{\{\s*([A-Za-z][\w-]*(?:\.[\w-]+)*)\s*\}\}/g;
const NODE_FIELDS = ['name', 'address', 'user'] as const;
type NodeField = (typeof NODE_FIELDS)[number];

type Parsed =
  | { kind: 'node'; role: string; field: NodeField }
  | { kind: 'host' }
  | { kind: 'registry' }
  | { kind: 'unknown'; message: string }
  | { kind: 'not-a-placeholder' };

export const PLACEHOLDER_FORMS = '{{nodes.<role>.name}}, {{nodes.<role>.address}}, {{nodes.<role>.user}}, {{host.address}} or {{lab.registry}}';

function parse(name: string): Parsed {
  const parts = name.split('.');
  const head = parts[0]!;
  if (!['nodes', 'host', 'lab'].includes(head) && parts.length === 1) return { kind: 'not-a-placeholder' };
  if (name === 'host.address') return { kind: 'host' };
  if (name === 'lab.registry') return { kind: 'registry' };
  if (head === 'nodes' && parts.length === 3 && (NODE_FIELDS as readonly string[]).includes(parts[2]!)) {
    return { kind: 'node', role: parts[1]!, field: parts[2] as NodeField };
  }
  if (head === 'nodes' && parts.length >= 2) {
    const role = parts[1]!;
    return { kind: 'unknown', message: `unknown placeholder {{${name}}}: a node's placeholders are {{nodes.${role}.name}}, {{nodes.${role}.address}} and {{nodes.${role}.user}}` };
  }
  return { kind: 'unknown', message: `unknown placeholder {{${name}}}: use ${PLACEHOLDER_FORMS}` };
}

/** Fills every known placeholder; anything else is left as written. */
export function fillPlaceholders(text: string, v: PlaceholderValues): string {
  return text.replace(CANDIDATE, (whole, name: string) => {
    const p = parse(name);
    if (p.kind === 'host') return v.hostAddress;
    if (p.kind === 'registry') return v.registry;
    if (p.kind === 'node') return v.nodes[p.role]?.[p.field] ?? `‹${p.role}›`;
    return whole;
  });
}

/** Fields of a check that name roles or identify it: never filled, never checked for placeholders. */
const NOT_TEXT = new Set(['id', 'kind', 'node', 'from', 'to']);

/** Every text of a check that may hold placeholders, with its path inside the check. */
export function checkTexts(check: LabCheck): { path: (string | number)[]; text: string }[] {
  const out: { path: (string | number)[]; text: string }[] = [];
  for (const [key, value] of Object.entries(check)) {
    if (NOT_TEXT.has(key)) continue;
    if (typeof value === 'string') out.push({ path: [key], text: value });
    else if (Array.isArray(value)) value.forEach((item, i) => typeof item === 'string' && out.push({ path: [key, i], text: item }));
  }
  return out;
}

/** The check with placeholders filled in every text field (not id, kind, node, from, to). */
export function fillCheck<C extends LabCheck>(check: C, v: PlaceholderValues): C {
  const out: Record<string, unknown> = { ...check };
  for (const { path, text } of checkTexts(check)) {
    const [key, index] = path as [string, number | undefined];
    if (index === undefined) out[key] = fillPlaceholders(text, v);
    else out[key] = (out[key] as unknown[]).map((item, i) => (i === index ? fillPlaceholders(text, v) : item));
  }
  return out as C;
}

/** Problems with the placeholders in `text`: unknown ones and roles the lab does not declare. */
export function placeholderProblems(text: string, roles: readonly string[]): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const p = parse(m[1]!);
    const index = m.index;
    if (p.kind === 'unknown') problems.push({ index, message: p.message });
    else if (p.kind === 'node' && !roles.includes(p.role)) {
      const fix = roles.length > 0 ? `use one of its roles (${roles.join(', ')}) or declare "${p.role}" under nodes: in lab.yaml` : `this lab declares no nodes: declare "${p.role}" under nodes: in lab.yaml`;
      problems.push({ index, message: `{{${m[1]}}} names the role "${p.role}", which lab.yaml does not declare: ${fix}` });
    }
  }
  return problems;
}
