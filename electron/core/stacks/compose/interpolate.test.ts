import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpolate, interpolateTree, type Lookup } from './interpolate';
import { Issues } from './issues';
import { toPlain } from './source-node';
import { parseComposeYaml } from './yaml-source';

const vars: Record<string, string> = { SET: 'value', EMPTY: '', PORT: '8080' };
const lookup: Lookup = (name) => vars[name];

describe('interpolate', () => {
  it.each([
    ['plain text', 'plain text'],
    ['$SET and ${SET}', 'value and value'],
    ['${SET}x$SET-y', 'valuex value-y'.replace(' ', '')],
    ['${EMPTY:-d} ${EMPTY-d} ${UNSET:-d} ${UNSET-d}', 'd  d d'],
    ['${SET:+alt} ${EMPTY:+alt} ${EMPTY+alt} ${UNSET+alt}', 'alt  alt '],
    ['${UNSET:-${SET}} ${UNSET:-${ALSO_UNSET:-deep}}', 'value deep'],
    ['$$SET costs $$5 and $${SET}', '$SET costs $5 and ${SET}'],
    ['127.0.0.1:${PORT}:80', '127.0.0.1:8080:80'],
    ['${UNSET:-a}}', 'a}'],
  ])('%s → %s', (text, expected) => {
    expect(interpolate(text, lookup)).toEqual({ value: expected, problems: [] });
  });

  it('warns about an unset variable without default and uses ""', () => {
    expect(interpolate('a${NOPE}b$NOPE2', lookup)).toEqual({ value: 'ab', problems: [{ kind: 'unset', name: 'NOPE' }, { kind: 'unset', name: 'NOPE2' }] });
  });

  it('fails a required variable with its message, only when unset (or empty for :?)', () => {
    expect(interpolate('${EMPTY:?must be set}', lookup).problems).toEqual([{ kind: 'required', name: 'EMPTY', message: 'must be set' }]);
    expect(interpolate('${EMPTY?must be set}', lookup).problems).toEqual([]);
    expect(interpolate('${UNSET?}', lookup).problems).toEqual([{ kind: 'required', name: 'UNSET', message: '' }]);
    expect(interpolate('${SET:?x}', lookup)).toEqual({ value: 'value', problems: [] });
  });

  it('does not expand an unused default (no warning for variables in it)', () => {
    expect(interpolate('${SET:-${NOPE}}', lookup)).toEqual({ value: 'value', problems: [] });
  });

  it.each([['cost $5'], ['trailing $'], ['${}'], ['${1A}'], ['${A B}'], ['${UNCLOSED'], ['${A:x}']])('rejects %s', (text) => {
    expect(interpolate(text, lookup).problems).toEqual([expect.objectContaining({ kind: 'syntax' })]);
  });

  const plainText = fc.string({ unit: fc.constantFrom('a', 'b', '$', '{', '}', ':', '-', '?', '+', ' ', '_', '1') });
  const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);

  it('property: any text with every $ doubled comes back unchanged, without problems', () => {
    fc.assert(
      fc.property(plainText, (text) => {
        expect(interpolate(text.replaceAll('$', () => '$$'), lookup)).toEqual({ value: text, problems: [] });
      }),
    );
  });

  it('property: ${NAME:-default} and ${NAME} follow the variable, for any name and value', () => {
    fc.assert(
      fc.property(name, fc.option(fc.string()), fc.string().filter((d) => !/[$}]/.test(d)), (n, value, fallback) => {
        const look: Lookup = (x) => (x === n && value !== null ? value : undefined);
        expect(interpolate(`\${${n}:-${fallback}}`, look).value).toBe(value ? value : fallback);
        expect(interpolate(`\${${n}-${fallback}}`, look).value).toBe(value ?? fallback);
        expect(interpolate(`<\${${n}}>`, look)).toEqual({ value: `<${value ?? ''}>`, problems: value === null ? [{ kind: 'unset', name: n }] : [] });
      }),
    );
  });

  it('property: a substituted value is never interpolated again', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(interpolate('${V}', () => value)).toEqual({ value, problems: [] });
      }),
    );
  });
});

describe('interpolateTree', () => {
  it('interpolates values but not keys, and reports problems at the value', () => {
    const issues = new Issues();
    const root = parseComposeYaml('compose.yaml', 'services:\n  $SET:\n    image: app:${TAG:-1}\n    environment:\n      A: ${NOPE}\n      B: ${REQ:?set a password}\n      C: 5\n', issues)!;
    const out = interpolateTree(root, lookup, issues);
    expect(toPlain(out)).toEqual({ services: { $SET: { image: 'app:1', environment: { A: '', B: '', C: 5 } } } });
    expect(issues.list).toEqual([
      {
        severity: 'warning',
        message: `The "NOPE" variable is not set (services["$SET"].environment.A). Defaulting to a blank string: set NOPE in .env or the stack's variables.`,
        file: 'compose.yaml',
        path: 'services["$SET"].environment.A',
        line: 5,
        column: 10,
      },
      {
        severity: 'error',
        message: `Required variable REQ is missing a value (services["$SET"].environment.B): set a password. Set REQ in .env or the stack's variables.`,
        file: 'compose.yaml',
        path: 'services["$SET"].environment.B',
        line: 6,
        column: 10,
      },
    ]);
  });
});
