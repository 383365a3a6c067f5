/**
 * Test helper: validators for the schemas in ../shared/schemas (read from there, never copied
 * into the repo — DESIGN §8). The cloud-config schema is draft-04 (with $defs); the subiquity
 * autoinstall schema has no $schema, i.e. draft-07. Keys the schema marks `deprecated` count as
 * errors here: Rackpilot should not generate what cloud-init warns about.
 */
import Ajv07, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SCHEMAS_DIR = resolve(__dirname, '../../../../../shared/schemas');

function load(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMAS_DIR, file), 'utf8')) as Record<string, unknown>;
}

function withDeprecation<T extends Ajv04 | Ajv07>(ajv: T): T {
  ajv.removeKeyword('deprecated'); // draft-07 knows it as an annotation only
  ajv.addKeyword({ keyword: 'deprecated', schemaType: 'boolean', validate: (deprecated: boolean) => !deprecated, errors: false });
  return ajv;
}

export interface SchemaCheck {
  ok: boolean;
  errors: string[];
}

function check(validate: ValidateFunction, data: unknown, extra: string[] = []): SchemaCheck {
  const ok = validate(data) as boolean;
  const errors = (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  return { ok: ok && extra.length === 0, errors: [...errors, ...extra] };
}

let cloudConfigValidator: { validate: ValidateFunction; knownKeys: Set<string> } | undefined;

/** The cloud-config schema, plus a check it cannot express: every top-level key is one cloud-init knows. */
export function checkCloudConfig(data: unknown): SchemaCheck {
  if (!cloudConfigValidator) {
    const schema = load('cloud-init-cloud-config-v1.json');
    const ajv = withDeprecation(new Ajv04({ strict: false, allErrors: true }));
    addFormats(ajv);
    const defs = schema.$defs as Record<string, { properties?: Record<string, unknown> }>;
    const knownKeys = new Set<string>();
    for (const ref of schema.allOf as { $ref: string }[]) {
      for (const key of Object.keys(defs[ref.$ref.replace('#/$defs/', '')]?.properties ?? {})) knownKeys.add(key);
    }
    cloudConfigValidator = { validate: ajv.compile(schema), knownKeys };
  }
  const { validate, knownKeys } = cloudConfigValidator;
  const unknown = data && typeof data === 'object' ? Object.keys(data).filter((k) => !knownKeys.has(k)) : [];
  return check(validate, data, unknown.map((k) => `/${k} is not a cloud-config key`));
}

let autoinstallValidator: ValidateFunction | undefined;

export function checkAutoinstall(data: unknown): SchemaCheck {
  if (!autoinstallValidator) {
    const ajv = withDeprecation(new Ajv07({ strict: false, allErrors: true }));
    addFormats(ajv);
    autoinstallValidator = ajv.compile(load('subiquity-autoinstall.json'));
  }
  return check(autoinstallValidator, data);
}
