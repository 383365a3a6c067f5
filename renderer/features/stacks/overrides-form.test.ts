import { describe, expect, it } from 'vitest';
import { checkComposeSpec } from '../../../electron/core/testing/compose-schema';
import { stackOverridesSchema } from '../../../shared/domain/stack';
import { markersFor } from './compose-markers';
import { draftsFromOverrides, nextOverrideName, overrideNameErrors, overridesFromDrafts, overrideStarter } from './overrides-form';

describe('override files', () => {
  it('keeps the order and drops drafts whose names are wrong, saying why', () => {
    const drafts = [
      { key: 1, name: ' compose.prod.yaml ', content: 'a' },
      { key: 2, name: 'compose.yaml', content: 'b' },
      { key: 3, name: 'Compose.Prod.yaml', content: 'c' },
      { key: 4, name: '../x.yaml', content: 'd' },
      { key: 5, name: '', content: 'e' },
      { key: 6, name: 'compose.dev.yml', content: 'f' },
    ];
    const errors = overrideNameErrors(drafts);
    expect(Object.keys(errors).map(Number)).toEqual([2, 3, 4, 5]);
    expect(errors[2]).toContain('compose.yaml');
    expect(errors[3]).toContain('already');
    expect(errors[5]).toContain('Enter a file name');
    const overrides = overridesFromDrafts(drafts);
    expect(overrides).toEqual([
      { name: 'compose.prod.yaml', content: 'a' },
      { name: 'compose.dev.yml', content: 'f' },
    ]);
    expect(stackOverridesSchema.safeParse(overrides).success).toBe(true);
    let key = 10;
    expect(draftsFromOverrides(overrides, () => ++key).map((d) => d.key)).toEqual([11, 12]);
  });

  it('names a new file compose.override.yaml, then numbers them', () => {
    expect(nextOverrideName([])).toBe('compose.override.yaml');
    expect(nextOverrideName([{ key: 1, name: 'compose.override.yaml', content: '' }])).toBe('compose.override-2.yaml');
  });

  it('starts a new file with text docker compose (v1 too) accepts', () => {
    const starter = overrideStarter('compose.override.yaml', 'web');
    expect(checkComposeSpec(starter).errors).toEqual([]);
    expect(starter).toContain('services:\n  web:\n');
  });

  it("marks only the issues of that file's name", () => {
    const issue = { severity: 'error' as const, message: 'bad', path: 'services.web.ports[0]', line: 2, column: 3 };
    const text = 'services:\n  web: {}\n';
    expect(markersFor(text, [{ ...issue, file: 'compose.prod.yaml' }], 'compose.prod.yaml')).toHaveLength(1);
    expect(markersFor(text, [{ ...issue, file: 'compose.yaml' }], 'compose.prod.yaml')).toHaveLength(0);
  });
});
