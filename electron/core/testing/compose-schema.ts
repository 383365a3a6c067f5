/**
 * Test helper: validates compose YAML against ../shared/schemas/compose-spec.json (read from
 * there, never copied into the repo — DESIGN §8), so every compose file a test uses is one
 * docker compose itself would accept.
 *
 * The schema names its draft as "https://json-schema.org/draft-07/schema", which Ajv does not
 * know by that spelling; it is draft-07, so the `$schema` line is dropped before compiling.
 * `deprecated` stays an annotation: an obsolete `version:` is a warning in docker compose.
 */
import Ajv07, { type ErrorObject, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { SCHEMAS_DIR } from '../boot/profiles/testing-schemas';

let validator: ValidateFunction | undefined;

function composeValidator(): ValidateFunction {
  if (!validator) {
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'compose-spec.json'), 'utf8')) as Record<string, unknown>;
    validator = new Ajv07({ strict: false, allErrors: true }).compile(schema);
  }
  return validator;
}

export function checkComposeSpec(yamlText: string): { ok: boolean; errors: string[] } {
  const doc = parseDocument(yamlText, { merge: true });
  if (doc.errors.length > 0) return { ok: false, errors: doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`) };
  const data = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  const validate = composeValidator();
  const ok = validate(data) as boolean;
  const errors = (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  return { ok, errors };
}
