/**
 * The template catalog (issue 6 §7): stacks users start from. Filling one turns the user's
 * answers into a stored stack: non-secret values go to the .env (with each variable's help as a
 * comment, editable like any .env), secret values go to the stack's variables — kept in the
 * private rackpilot.json and masked in logs — and compose.yaml keeps only `${VAR}` references.
 */
import type { StackTemplate } from '../../../../shared/domain/stack';
import { ErrorCode, RackpilotError, type FieldErrorDetails } from '../../../../shared/errors';
import { envLine } from '../env-file';
import type { StoredStack } from '../stack-store';
import type { TemplateSource } from './catalog-types';
import { gitea } from './gitea';
import { prometheusGrafana } from './monitoring';
import { nginxProxy } from './proxy';
import { staticSite } from './static-site';
import { uptimeKuma } from './uptime-kuma';

export type { TemplateSource } from './catalog-types';

export const TEMPLATES: readonly TemplateSource[] = [nginxProxy, prometheusGrafana, gitea, staticSite, uptimeKuma];

/** The descriptors the UI shows (without the compose text). */
export function listTemplates(): StackTemplate[] {
  return TEMPLATES.map(({ id, title, description, variables }) => ({ id, title, description, variables: variables.map((v) => ({ ...v })) }));
}

export function findTemplate(id: string): TemplateSource {
  const t = TEMPLATES.find((x) => x.id === id);
  if (!t) throw new RackpilotError(ErrorCode.NotFound, `No template "${id}". Available: ${TEMPLATES.map((x) => x.id).join(', ')}.`);
  return t;
}

/** The stack a template makes with the user's values; refuses unknown names and missing required values, naming them. */
export function fillTemplate(template: TemplateSource, values: Record<string, string>): StoredStack {
  const known = new Set(template.variables.map((v) => v.name));
  const unknown = Object.keys(values).filter((k) => !known.has(k));
  if (unknown.length) {
    throw validation(
      unknown.map((k) => ({ path: ['values', k], message: `Template ${template.title} has no variable ${k}` })),
      `Template ${template.title} has no variable${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}. Use: ${[...known].join(', ')}.`,
    );
  }
  const resolved = template.variables.map((v) => ({ ...v, value: values[v.name] ?? v.default }));
  const missing = resolved.filter((v) => v.required && v.value.trim() === '');
  if (missing.length) {
    throw validation(
      missing.map((v) => ({ path: ['values', v.name], message: `${v.label} is required` })),
      `Template ${template.title} needs ${missing.map((v) => `${v.label} (${v.name})`).join(', ')}. Fill ${missing.length > 1 ? 'them' : 'it'} in and create the stack again.`,
    );
  }
  const env: string[] = [`# Variables of the "${template.title}" template. Edit and apply to change them.`];
  const variables: Record<string, string> = {};
  const secrets: string[] = [];
  for (const v of resolved) {
    if (v.secret) {
      variables[v.name] = v.value;
      secrets.push(v.name);
    } else {
      env.push('', `# ${v.label}: ${v.help}`, envLine(v.name, v.value));
    }
  }
  return { files: { compose: template.compose, overrides: [], env: env.join('\n') + '\n', variables, profiles: [] }, secrets };
}

function validation(issues: FieldErrorDetails['issues'], message: string): RackpilotError {
  const details: FieldErrorDetails = { issues };
  return new RackpilotError(ErrorCode.Validation, message, details);
}
