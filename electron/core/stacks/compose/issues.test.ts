import { describe, expect, it } from 'vitest';
import { finishIssues, Issues } from './issues';

describe('finishIssues', () => {
  it('drops exact duplicates and orders by file (as given), line and column', () => {
    const issues = new Issues();
    const at = (file: string, line: number | null, column: number | null) => ({ file, path: 'p', line, column });
    issues.error(at('web.env', 1, 1), 'e');
    issues.error(at('override.yaml', 2, 1), 'd');
    issues.warning(at('.env', 3, 1), 'c');
    issues.error(at('compose.yaml', 9, 3), 'b');
    issues.error(at('compose.yaml', 9, 1), 'a');
    issues.error(at('compose.yaml', 9, 1), 'a');
    issues.error(at('compose.yaml', null, null), 'whole file');
    const sorted = finishIssues(issues.list, ['compose.yaml', 'override.yaml', '.env']);
    expect(sorted.map((i) => [i.file, i.line, i.column, i.message])).toEqual([
      ['compose.yaml', null, null, 'whole file'],
      ['compose.yaml', 9, 1, 'a'],
      ['compose.yaml', 9, 3, 'b'],
      ['override.yaml', 2, 1, 'd'],
      ['.env', 3, 1, 'c'],
      ['web.env', 1, 1, 'e'],
    ]);
  });
});
