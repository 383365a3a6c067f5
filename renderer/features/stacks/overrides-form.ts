/**
 * The override files in the editor (compose.override.yaml, compose.prod.yaml, …): drafts with a
 * stable key while their names are typed, to and from the contract's list (pure).
 */
import { overrideFileNameSchema, type StackFiles } from '../../../shared/domain/stack';

export type StackOverride = StackFiles['overrides'][number];

export interface OverrideDraft {
  /** Stable key for React while the name is being typed. */
  key: number;
  name: string;
  content: string;
}

export { MAX_OVERRIDE_FILES as MAX_OVERRIDES } from '../../../shared/domain/stack';

export function draftsFromOverrides(overrides: readonly StackOverride[], nextKey: () => number): OverrideDraft[] {
  return overrides.map((o) => ({ key: nextKey(), name: o.name, content: o.content }));
}

/** Per-draft problems with its name: not a plain YAML file name, compose.yaml, or taken by another. */
export function overrideNameErrors(drafts: readonly OverrideDraft[]): Record<number, string> {
  const errors: Record<number, string> = {};
  const seen = new Set<string>();
  for (const d of drafts) {
    const parsed = overrideFileNameSchema.safeParse(d.name.trim());
    const lower = d.name.trim().toLowerCase();
    if (!parsed.success) errors[d.key] = d.name.trim() ? (parsed.error.issues[0]?.message ?? 'Not a valid file name') : 'Enter a file name, e.g. compose.override.yaml';
    else if (seen.has(lower)) errors[d.key] = `${d.name.trim()} is already a file of this stack: pick another name`;
    seen.add(lower);
  }
  return errors;
}

/** The overrides to save or check: every draft whose name is fine, in order. */
export function overridesFromDrafts(drafts: readonly OverrideDraft[]): StackOverride[] {
  const errors = overrideNameErrors(drafts);
  return drafts.filter((d) => !errors[d.key]).map((d) => ({ name: d.name.trim(), content: d.content }));
}

/** compose.override.yaml first (docker compose's own name for it), then compose.override-2.yaml, … */
export function nextOverrideName(drafts: readonly OverrideDraft[]): string {
  const taken = new Set(drafts.map((d) => d.name.trim().toLowerCase()));
  for (let n = 1; ; n++) {
    const name = n === 1 ? 'compose.override.yaml' : `compose.override-${n}.yaml`;
    if (!taken.has(name)) return name;
  }
}

/**
 * A new override file starts with a service to change rather than nothing: docker compose
 * refuses an empty file, and docker-compose 1.x one without services.
 */
export function overrideStarter(name: string, firstService: string | undefined): string {
  const service = firstService ?? 'app';
  return `# ${name}: merged over compose.yaml, as \`docker compose -f compose.yaml -f ${name}\` does.
# Maps merge key by key, ports and similar lists are added to, other values are replaced.
services:
  ${service}:
    environment: {}
`;
}
