import { describe, expect, it } from 'vitest';
import { loadStepFile } from './load-step';

const FILE = 'steps/01-x.md';
const issuesOf = (text: string, roles: string[] = ['web']) => loadStepFile(FILE, text, 0, roles).issues.map((i) => `${i.line}:${i.column} ${i.message}`);

describe('loadStepFile', () => {
  it('loads a step with no checks and says nothing', () => {
    expect(loadStepFile(FILE, '---\ntitle: Just read\n---\nText.\n', 3, [])).toEqual({
      step: { index: 3, file: FILE, title: 'Just read', body: 'Text.', solution: null, checks: [] },
      issues: [],
    });
  });

  it('reports an empty front matter and a field written twice', () => {
    expect(issuesOf('---\n---\nText')).toEqual(['2:1 the front matter is empty: write its fields as YAML (name: value), one per line']);
    expect(issuesOf('---\ntitle: One\ntitle: Two\n---\nText')).toEqual(['3:1 this field is written twice in the same mapping: keep one of them']);
  });

  it('says what type a field needs and which values an enum takes', () => {
    const text = [
      '---',
      'title: Types',
      'checks:',
      '  - id: p',
      '    title: Port check',
      '    kind: port',
      '    from: host',
      '    to: web',
      '    port: eighty',
      '    hint: h',
      '  - id: s',
      '    title: State check',
      '    kind: node-state',
      '    node: web',
      '    state: [booted]',
      '    hint: h',
      '---',
      'Text',
    ].join('\n');
    expect(issuesOf(text)).toEqual([
      '9:11 check "p": port should be a number, not the text "eighty": write a plain number, without quotes',
      '15:13 check "s": state[0] is "booted": use one of discovered, ready, installing, installed, provisioning, provisioned, failed',
    ]);
  });

  it('lets from name this computer (host) but not to', () => {
    const text = '---\ntitle: Ports\nchecks:\n  - id: p\n    title: Port check\n    kind: port\n    from: host\n    to: host\n    port: 80\n    hint: h\n---\nText';
    expect(issuesOf(text)).toEqual(['8:9 check "p": to "host" is not a role of this lab: lab.yaml declares web. Use a declared role, or declare "host" under nodes: in lab.yaml']);
  });

  it('reports a check with no kind and an empty solution', () => {
    const text = '---\ntitle: Kinds\nchecks:\n  - id: k\n    title: No kind\n    hint: h\n---\nText\n## Solution\n\n';
    expect(issuesOf(text)).toEqual([
      '4:5 check "k" has no kind: add "kind:" with one of node-state, command, http, port, systemd, container, stack, file, rebooted, kube-nodes-ready, kube-deployment-available',
      '9:1 "## Solution" has nothing under it: write the solution below the heading, or remove the heading',
    ]);
  });
});
