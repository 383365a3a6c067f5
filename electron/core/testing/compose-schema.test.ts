import { describe, expect, it } from 'vitest';
import { checkComposeSpec } from './compose-schema';

describe('checkComposeSpec', () => {
  it('accepts valid compose, with anchors, merge keys and unresolved variables', () => {
    const text = 'x-base: &base\n  restart: always\nservices:\n  web:\n    <<: *base\n    image: nginx:${TAG:-1.27}\n    ports: ["${PORT}:80"]\n';
    expect(checkComposeSpec(text)).toEqual({ ok: true, errors: [] });
  });

  it('treats the obsolete version as an annotation, as docker compose does (a warning there)', () => {
    expect(checkComposeSpec('version: "3.8"\nservices:\n  web:\n    image: a\n').ok).toBe(true);
  });

  it('rejects unknown keys and wrong types with the instance path', () => {
    const { ok, errors } = checkComposeSpec('services:\n  web:\n    image: a\n    imagee: b\n    ports: "80:80"\n');
    expect(ok).toBe(false);
    expect(errors).toContain('/services/web must NOT have additional properties {"additionalProperty":"imagee"}');
    expect(errors.some((e) => e.startsWith('/services/web/ports must be array'))).toBe(true);
  });

  it('rejects YAML that does not parse, and duplicate keys', () => {
    expect(checkComposeSpec('services:\n  web: [\n').ok).toBe(false);
    expect(checkComposeSpec('services:\n  web:\n    image: a\n    image: b\n')).toEqual({ ok: false, errors: ['YAML: Map keys must be unique at line 4, column 5:'] });
  });
});
