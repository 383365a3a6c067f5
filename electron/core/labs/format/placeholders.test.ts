import { describe, expect, it } from 'vitest';
import { labCheckSchema } from '../../../../shared/domain/lab';
import { fillCheck, fillPlaceholders, placeholderProblems, type PlaceholderValues } from './placeholders';

const values: PlaceholderValues = {
  nodes: { web: { name: 'web-1', address: '10.78.0.5', user: 'ada' } },
  hostAddress: '10.78.0.1',
  registry: '10.78.0.1:5000',
};

describe('fillPlaceholders', () => {
  it('fills nodes, host and registry, with or without spaces inside the braces', () => {
    expect(fillPlaceholders('ssh {{nodes.web.user}}@{{ nodes.web.address }} ({{nodes.web.name}}) from {{host.address}} via {{lab.registry}}', values)).toBe(
      'ssh ada@10.78.0.5 (web-1) from 10.78.0.1 via 10.78.0.1:5000',
    );
  });

  it('shows a role with no node yet as ‹role›', () => {
    expect(fillPlaceholders('curl http://{{nodes.db.address}}/', values)).toBe('curl http://‹db›/');
  });

  it('leaves Go templates and unknown names as written', () => {
    const text = "docker ps --format '{{.Names}} {{ .Status }}' {{range .Mounts}}{{end}} {{json .}} {{host.adress}}";
    expect(fillPlaceholders(text, values)).toBe(text);
  });
});

describe('fillCheck', () => {
  it('fills every text field but never id, kind or the role fields', () => {
    const check = labCheckSchema.parse({
      id: 'serving',
      kind: 'http',
      title: 'Page on {{nodes.web.name}}',
      from: 'web',
      url: 'http://{{nodes.web.address}}:8000/',
      bodyMatches: 'Hello {{nodes.web.user}}',
      hint: 'Pull from {{lab.registry}}',
    });
    expect(fillCheck(check, values)).toEqual({
      ...check,
      title: 'Page on web-1',
      url: 'http://10.78.0.5:8000/',
      bodyMatches: 'Hello ada',
      hint: 'Pull from 10.78.0.1:5000',
    });
    expect(check).toMatchObject({ url: 'http://{{nodes.web.address}}:8000/' }); // the loaded lab is not changed
  });

  it('fills strings inside lists (compose services)', () => {
    const check = labCheckSchema.parse({ id: 's', kind: 'stack', title: 'Stack', node: 'web', project: 'shop', services: ['{{nodes.web.name}}-app', 'db'], hint: 'h' });
    expect(fillCheck(check, values)).toMatchObject({ node: 'web', services: ['web-1-app', 'db'] });
  });
});

describe('placeholderProblems', () => {
  it('accepts the known placeholders and Go templates', () => {
    expect(placeholderProblems('{{nodes.web.address}} {{host.address}} {{lab.registry}} {{.Names}} {{end}}', ['web'])).toEqual([]);
  });

  it('locates unknown placeholders and undeclared roles by index, saying how to fix them', () => {
    const text = 'a {{nodes.db.name}} b {{nodes.web.ip}} c {{node.web.name}} d {{lab}}';
    const problems = placeholderProblems(text, ['web']);
    expect(problems.map((p) => p.index)).toEqual(['{{nodes.db', '{{nodes.web.ip', '{{node.', '{{lab}}'].map((s) => text.indexOf(s)));
    expect(problems[0]!.message).toBe('{{nodes.db.name}} names the role "db", which lab.yaml does not declare: use one of its roles (web) or declare "db" under nodes: in lab.yaml');
    expect(problems[1]!.message).toMatch(/^unknown placeholder \{\{nodes\.web\.ip\}\}: a node's placeholders are \{\{nodes\.web\.name\}\}/);
    expect(problems[2]!.message).toMatch(/^unknown placeholder \{\{node\.web\.name\}\}: use \{\{nodes\.<role>\.name\}\}/);
    expect(problems[3]!.message).toMatch(/^unknown placeholder \{\{lab\}\}/);
  });

  it('says so when the lab declares no nodes at all', () => {
    expect(placeholderProblems('{{nodes.web.name}}', [])[0]!.message).toMatch(/this lab declares no nodes: declare "web" under nodes:/);
  });
});
