import { describe, expect, it } from 'vitest';
import { parseEnvFile } from './env-file';
import { Issues } from './issues';
import { projectLookup } from './variables';

function parse(text: string) {
  const issues = new Issues();
  const entries = parseEnvFile('.env', text, issues);
  return { values: Object.fromEntries(entries.map((e) => [e.key, e.value])), entries, issues: issues.list };
}

describe('parseEnvFile', () => {
  it('reads KEY=value lines like docker compose: comments, export, quotes, inline comments', () => {
    const { values, issues } = parse(
      [
        '# a comment',
        '',
        'PLAIN=value  ',
        'export EXPORTED=yes',
        'SPACED = around ',
        "SINGLE='lit $HOME \\n'",
        'DOUBLE="tab\\there \\"q\\""',
        'COMMENTED=abc # not part of it',
        'HASH=abc#def',
        'EMPTY=',
        'BARE',
        '  INDENTED=1',
      ].join('\n'),
    );
    expect(issues).toEqual([]);
    expect(values).toEqual({
      PLAIN: 'value',
      EXPORTED: 'yes',
      SPACED: 'around',
      SINGLE: 'lit $HOME \\n',
      DOUBLE: 'tab\there "q"',
      COMMENTED: 'abc',
      HASH: 'abc#def',
      EMPTY: '',
      BARE: null,
      INDENTED: '1',
    });
  });

  it('reads double-quoted values across lines, and CRLF files with a byte-order mark', () => {
    const { values, entries } = parse('\uFEFFA="one\r\ntwo"\r\nB=2\r\n');
    expect(values).toEqual({ A: 'one\ntwo', B: '2' });
    expect(entries.map((e) => e.line)).toEqual([1, 3]);
  });

  it('marks single-quoted values as literal (no interpolation) and escaped \\$ as $$', () => {
    const { entries } = parse("A='$X'\nB=\"\\$X\"\nC=$X\n");
    expect(entries.map((e) => [e.key, e.value, e.interpolate])).toEqual([
      ['A', '$X', false],
      ['B', '$$X', true],
      ['C', '$X', true],
    ]);
  });

  it('reports lines it cannot read with their line numbers and keeps the rest', () => {
    const { values, issues } = parse('GOOD=1\nthis is not a variable\n1BAD=2\nLAST=3\n');
    expect(values).toEqual({ GOOD: '1', LAST: '3' });
    expect(issues.map((i) => [i.severity, i.file, i.line, i.column])).toEqual([
      ['error', '.env', 2, 1],
      ['error', '.env', 3, 1],
    ]);
    expect(issues[0]!.message).toBe('.env line 2 is not KEY=value ("this is not a variable"): fix or remove the line, or start it with # to make it a comment.');
  });

  it('reports an unclosed quote and text after a closing quote', () => {
    expect(parse('A="open\nB=2\n').issues).toEqual([expect.objectContaining({ severity: 'error', path: 'A', line: 1, column: 1 })]);
    expect(parse("A='x' y\n").issues[0]!.message).toMatch(/unexpected text after the quoted value of A/);
  });
});

describe('projectLookup', () => {
  it('expands .env values in order, and the stack variables win over .env', () => {
    const issues = new Issues();
    const lookup = projectLookup('TAG=1.0\nIMAGE=app:${TAG}\nSECRET=from-env\nLIT=\'${TAG}\'\n', { SECRET: 'from-variables', TAG: '2.0' }, issues);
    expect(issues.list).toEqual([]);
    expect([lookup('IMAGE'), lookup('SECRET'), lookup('LIT'), lookup('NOPE')]).toEqual(['app:2.0', 'from-variables', '${TAG}', undefined]);
  });

  it('reports interpolation problems in .env at their line', () => {
    const issues = new Issues();
    projectLookup('A=1\nB=${MISSING:?needed}\n', {}, issues);
    expect(issues.list).toEqual([
      {
        severity: 'error',
        message: "Required variable MISSING is missing a value (.env line 2): needed. Set MISSING in .env or the stack's variables.",
        file: '.env',
        path: 'B',
        line: 2,
        column: 1,
      },
    ]);
  });
});
