/**
 * The profile template language: `{{name}}` substitution and nothing else. No expressions, no
 * loops, no eval — a profile pasted from a forum cannot run code on the Rackpilot host.
 *
 * YAML templates are parsed first and substituted value by value, so a node name or an SSH key
 * can never change the document's structure (no YAML injection), and a list-valued placeholder
 * (adminKeys) written as a whole value expands to a real YAML list.
 */
import { isMap, isScalar, parseDocument, stringify, visit } from 'yaml';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';

export type TemplateValue = string | string[];
export type TemplateVars = Readonly<Record<string, TemplateValue>>;

const PLACEHOLDER = /\{\{\s*([A-Za-z][\w.]*)\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([A-Za-z][\w.]*)\s*\}\}$/;

/** Names used in a template, in order of first use. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

/** Fails on `{{` that is not a well-formed placeholder (a typo would otherwise ship verbatim). */
function assertWellFormed(text: string, what: string): void {
  const stripped = text.replace(PLACEHOLDER, '');
  const bad = /\{\{[^\n]{0,30}/.exec(stripped) ?? /[^\n]{0,30}\}\}/.exec(stripped);
  if (bad) {
    throw new RackpilotError(ErrorCode.Validation, `${what}: malformed placeholder near "${bad[0]}"; write placeholders as {{name}}, e.g. {{node.name}}.`);
  }
}

function assertKnown(text: string, vars: TemplateVars, what: string): void {
  const unknown = placeholdersIn(text).filter((name) => !(name in vars));
  if (unknown.length > 0) {
    throw new RackpilotError(
      ErrorCode.Validation,
      `${what} uses unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `{{${n}}}`).join(', ')}; known: ${Object.keys(vars).map((n) => `{{${n}}}`).join(', ')}.`,
      { unknown },
    );
  }
}

/** Substitutes into one line of text (command lines, strings inside YAML). */
export function renderText(text: string, vars: TemplateVars, what: string): string {
  assertWellFormed(text, what);
  assertKnown(text, vars, what);
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = vars[name];
    if (Array.isArray(value)) {
      throw new RackpilotError(ErrorCode.Validation, `${what}: {{${name}}} is a list; use it as a whole YAML value (key: "{{${name}}}"), not inside text.`);
    }
    return value ?? '';
  });
}

/**
 * Parses a YAML template, substitutes in every string value and returns the resulting data.
 * A key whose value is exactly a list placeholder with an empty list is dropped (an empty
 * `ssh_authorized_keys: []` is invalid cloud-config).
 */
export function renderYaml(template: string, vars: TemplateVars, what: string): Record<string, unknown> {
  assertWellFormed(template, what);
  assertKnown(template, vars, what);
  const doc = parseDocument(template, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw new RackpilotError(ErrorCode.Validation, `${what} is not valid YAML: ${first?.message ?? 'parse error'}. Put placeholders in quotes, e.g. hostname: "{{node.name}}".`);
  }
  visit(doc, {
    Pair(_, pair) {
      // `key: {{x}}` unquoted parses as a flow mapping used as a key: name the real mistake.
      if (!isScalar(pair.key) || isMap(pair.key)) {
        throw new RackpilotError(ErrorCode.Validation, `${what}: a placeholder must be quoted when it is a whole value, e.g. hostname: "{{node.name}}".`);
      }
      const value = pair.value;
      if (isScalar(value) && typeof value.value === 'string') {
        const whole = WHOLE_PLACEHOLDER.exec(value.value);
        const listValue = whole ? vars[whole[1] ?? ''] : undefined;
        if (Array.isArray(listValue) && listValue.length === 0) return visit.REMOVE;
      }
      return undefined;
    },
    Scalar(_, node) {
      if (typeof node.value !== 'string' || !node.value.includes('{{')) return undefined;
      const whole = WHOLE_PLACEHOLDER.exec(node.value);
      const value = whole ? vars[whole[1] ?? ''] : undefined;
      if (Array.isArray(value)) return doc.createNode(value);
      node.value = renderText(node.value, vars, what);
      return undefined;
    },
  });
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new RackpilotError(ErrorCode.Validation, `${what} must be a YAML mapping (key: value lines) at the top level.`);
  }
  return data as Record<string, unknown>;
}

/** Serialises cloud-config data the way cloud-init wants it: the `#cloud-config` header first. */
export function cloudConfig(data: Record<string, unknown>): string {
  return `#cloud-config\n${stringify(data, { lineWidth: 0 })}`;
}
