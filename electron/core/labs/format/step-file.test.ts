import { describe, expect, it } from 'vitest';
import { placeInPart, splitStepFile } from './step-file';

describe('splitStepFile', () => {
  it('splits front matter, body and solution with the lines they start on', () => {
    const r = splitStepFile('---\ntitle: T\nchecks: []\n---\nBody line\n\n## Solution\nDo it.\n');
    expect(r).toEqual({
      ok: true,
      parts: {
        frontMatter: { text: 'title: T\nchecks: []', line: 2 },
        body: { text: 'Body line\n', line: 5 },
        solution: { text: 'Do it.\n', line: 8 },
        solutionHeadingLine: 7,
      },
    });
  });

  it('reads CRLF files and a BOM with the same line numbers', () => {
    const r = splitStepFile('\uFEFF---\r\ntitle: T\r\n---\r\nBody\r\n## Solution\r\nX\r\n');
    expect(r.ok && r.parts.solution).toEqual({ text: 'X\n', line: 6 });
  });

  it('ignores a ## Solution heading inside a fenced code block', () => {
    const r = splitStepFile('---\ntitle: T\n---\n```md\n## Solution\n```\nmore');
    expect(r.ok && r.parts.solution).toBe(null);
    expect(r.ok && r.parts.body.text).toBe('```md\n## Solution\n```\nmore');
  });

  it('reports a file without front matter, or with front matter never closed, on line 1', () => {
    expect(splitStepFile('# Title\ntext')).toMatchObject({ ok: false, line: 1, message: expect.stringMatching(/^this step has no front matter: start the file with a line ---/) });
    expect(splitStepFile('---\ntitle: T\ntext')).toMatchObject({ ok: false, line: 1, message: expect.stringMatching(/never closed: add a line ---/) });
  });
});

describe('placeInPart', () => {
  it('maps an index in a part to the line and column of the file', () => {
    expect(placeInPart({ text: 'ab\ncd{{x}}', line: 5 }, 5)).toEqual({ line: 6, column: 3 });
    expect(placeInPart({ text: 'ab', line: 5 }, 0)).toEqual({ line: 5, column: 1 });
  });
});
