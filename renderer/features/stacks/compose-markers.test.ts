import { describe, expect, it } from 'vitest';
import type { ComposeIssue } from '../../../shared/domain/stack';
import { issuePlace, markersFor, unplacedIssues } from './compose-markers';

const issue = (over: Partial<ComposeIssue>): ComposeIssue => ({ severity: 'error', message: 'bad', file: 'compose.yaml', path: '', line: 1, column: 1, ...over });

const text = 'services:\n  web:\n    image: nginx\n    bogus_key: 1\n';

describe('markersFor', () => {
  it('marks the word that starts at the issue line and column', () => {
    const [m] = markersFor(text, [issue({ line: 4, column: 5, message: 'services.web.bogus_key is not supported' })], 'compose.yaml');
    expect(m && text.slice(m.from, m.to)).toBe('bogus_key');
    expect(m?.message).toBe('services.web.bogus_key is not supported');
  });
  it('clamps places past the end of a line or of the text', () => {
    const markers = markersFor(text, [issue({ line: 2, column: 40 }), issue({ line: 99, column: 1 })], 'compose.yaml');
    for (const m of markers) {
      expect(m.from).toBeGreaterThanOrEqual(0);
      expect(m.to).toBeLessThanOrEqual(text.length);
      expect(m.from).toBeLessThanOrEqual(m.to);
    }
    expect(markers[0]?.from).toBe(text.indexOf('web:') + 4);
  });
  it('skips issues without a line and issues of other files', () => {
    const issues = [issue({ line: null, column: null }), issue({ file: '.env' })];
    expect(markersFor(text, issues, 'compose.yaml')).toEqual([]);
    expect(unplacedIssues(issues, ['compose.yaml'])).toEqual(issues);
    expect(unplacedIssues(issues, ['compose.yaml', '.env'])).toEqual([issues[0]]);
  });
  it('handles an empty text', () => {
    expect(markersFor('', [issue({})], 'compose.yaml')).toEqual([{ from: 0, to: 0, severity: 'error', message: 'bad' }]);
  });
});

describe('issuePlace', () => {
  it('gives file, line, column and key path', () => {
    expect(issuePlace(issue({ line: 4, column: 5, path: 'services.web.bogus_key' }))).toBe('compose.yaml:4:5 (services.web.bogus_key)');
    expect(issuePlace(issue({ file: '.env', line: null, column: null }))).toBe('.env');
  });
});
