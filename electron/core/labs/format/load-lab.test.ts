import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_CHECK_KINDS } from '../../../../shared/domain/lab';
import { loadLabFolder } from './load-lab';

const fixtures = join(__dirname, 'fixtures');

describe('loadLabFolder: a good lab', () => {
  const loaded = loadLabFolder(join(fixtures, 'good', 'good-lab'), 'built-in');

  it('loads with no issue, every check kind included', () => {
    expect(loaded.issues).toEqual([]);
    const lab = loaded.lab!;
    expect(lab.dir).toBe(join(fixtures, 'good', 'good-lab'));
    expect(lab.source).toBe('built-in');
    expect(new Set(lab.steps.flatMap((s) => s.checks.map((c) => c.kind)))).toEqual(new Set(LAB_CHECK_KINDS));
  });

  it('keeps the manifest with defaults applied', () => {
    const m = loaded.lab!.manifest;
    expect(m).toMatchObject({ id: 'good-lab', order: 5, reset: 'reinstall', practiceStart: 'installed', prerequisites: [], requirements: ['A terminal'] });
    expect(m.nodes).toEqual([
      { role: 'web', description: 'Serves the page', persistent: true },
      { role: 'db', description: 'Holds the data', persistent: false },
    ]);
    expect(m.realHardware).toBe('On real hardware, {{nodes.web.name}} is reached at {{nodes.web.address}}\nas {{nodes.web.user}}; this computer is {{host.address}}.\n');
  });

  it('splits each step into title, body, solution and checks, placeholders left for the run to fill', () => {
    const [first, second] = loaded.lab!.steps;
    expect(first).toMatchObject({ index: 0, file: 'steps/01-basics.md', title: 'Serve a page from a plain process' });
    expect(first!.body).toMatch(/^Open a terminal on \*\*\{\{nodes\.web\.name\}\}\*\*/);
    // The "## Solution" inside the code block belongs to the body.
    expect(first!.body).toMatch(/```markdown\n## Solution\n\(this heading is an example/);
    expect(first!.solution).toBe('Run `python3 -m http.server 8000` on {{nodes.web.address}}.');
    expect(first!.checks.find((c) => c.id === 'serving')).toEqual({
      id: 'serving',
      title: 'Port 8000 on the web node answers with your page',
      kind: 'http',
      from: 'host',
      url: 'http://{{nodes.web.address}}:8000/',
      bodyMatches: 'Hello from',
      status: 200,
      timeoutSeconds: 10,
      hint: 'Is `python3 -m http.server 8000` still running?',
    });
    expect(second).toMatchObject({ index: 1, title: 'Containers and clusters', body: 'No solution here.', solution: null });
  });
});

/** Each broken fixture: every issue it must report, in order (file, line, column, message). */
const BROKEN: [folder: string, issues: [file: string, line: number, column: number, message: RegExp][]][] = [
  ['missing-manifest', [['lab.yaml', 0, 0, /^lab\.yaml is missing: every lab folder needs one \(id: missing-manifest, title, summary/]]],
  ['bad-yaml', [['lab.yaml', 2, 8, /^a value here contains ": ", which YAML reads as a new field: put the whole value in quotes/]]],
  ['id-mismatch', [['lab.yaml', 1, 5, /^id "other-name" does not match the folder name "id-mismatch": .*Rename the folder or change the id/]]],
  ['missing-field', [['lab.yaml', 1, 1, /^summary is missing: add "summary:" \(one or two sentences/]]],
  ['extra-field', [['lab.yaml', 6, 1, /^unknown field "colour" in lab\.yaml: remove it or fix its spelling \(allowed here: id, title, summary/]]],
  ['missing-step', [['lab.yaml', 11, 5, /^step file steps\/02-gone\.md does not exist: create it in .*missing-step\/steps, or fix the name here$/]]],
  ['no-front-matter', [['steps/01-one.md', 1, 1, /^this step has no front matter: start the file with a line ---/]]],
  ['unclosed-front-matter', [['steps/01-one.md', 1, 1, /^the front matter opened on line 1 is never closed: add a line ---/]]],
  ['front-matter-yaml', [['steps/01-one.md', 5, 12, /^a value here contains ": "/]]],
  ['unknown-kind', [['steps/01-one.md', 6, 11, /^unknown check kind "htpp": did you mean "http"\? use one of node-state, command, http, port, systemd, container, stack, file, rebooted, kube-nodes-ready, kube-deployment-available$/]]],
  [
    'check-fields',
    [
      ['steps/01-one.md', 4, 5, /^check "up": hint is missing: add "hint:" \(what the learner should look at/],
      ['steps/01-one.md', 9, 5, /^unknown field "colour" in check "up": remove it or fix its spelling \(allowed here: id, title, hint, kind, node, state\)$/],
    ],
  ],
  [
    'undeclared-role',
    [
      ['steps/01-one.md', 7, 11, /^check "up": node "db" is not a role of this lab: lab\.yaml declares web\. Use a declared role, or declare "db" under nodes: in lab\.yaml$/],
      ['steps/01-one.md', 13, 11, /^check "port": from "cache" is not a role of this lab: lab\.yaml declares web \(or use host for this computer\)/],
      ['steps/01-one.md', 14, 9, /^check "port": to "db" is not a role of this lab/],
    ],
  ],
  [
    'bad-placeholder',
    [
      ['lab.yaml', 13, 9, /^realHardware: \{\{nodes\.x\.name\}\} names the role "x", which lab\.yaml does not declare: use one of its roles \(web\)/],
      ['steps/01-one.md', 9, 15, /^check "page": hint: \{\{nodes\.db\.name\}\} names the role "db"/],
      ['steps/01-one.md', 8, 17, /^check "page": url: unknown placeholder \{\{lab\.regsitry\}\}: use .*\{\{lab\.registry\}\}$/],
      ['steps/01-one.md', 12, 1, /^\{\{nodes\.db\.address\}\} names the role "db"/],
      ['steps/01-one.md', 12, 26, /^unknown placeholder \{\{host\.adress\}\}/],
      ['steps/01-one.md', 15, 5, /^unknown placeholder \{\{nodes\.web\.ip\}\}: a node's placeholders are \{\{nodes\.web\.name\}\}, \{\{nodes\.web\.address\}\} and \{\{nodes\.web\.user\}\}$/],
    ],
  ],
  ['duplicate-check-id', [['steps/01-one.md', 10, 9, /^check id "up" is used twice in this step \(first on line 4\): give each check its own id$/]]],
  ['bad-regex', [['steps/01-one.md', 8, 20, /^check "version": stdoutMatches is not a valid regular expression \(Invalid regular expression: .*Unterminated group\): fix it/]]],
  [
    'many-problems',
    [
      ['lab.yaml', 1, 1, /^summary is missing/],
      ['lab.yaml', 1, 1, /^order is missing: add "order:" \(a whole number: the lab's place in the catalog\)$/],
      ['steps/01-one.md', 6, 11, /^unknown check kind "htpp"/],
    ],
  ],
];

describe('loadLabFolder: broken labs', () => {
  it.each(BROKEN)('%s is reported at file:line:column with what to do', (folder, expected) => {
    const loaded = loadLabFolder(join(fixtures, 'broken', folder), 'user');
    expect(loaded.lab).toBe(null);
    expect(loaded.issues.map((i) => [i.file, i.line, i.column])).toEqual(expected.map(([file, line, column]) => [file, line, column]));
    loaded.issues.forEach((issue, i) => expect(issue.message).toMatch(expected[i]![3]));
  });

  it('reports a folder that does not exist as a missing lab.yaml', () => {
    expect(loadLabFolder(join(fixtures, 'broken', 'no-such-folder'), 'user')).toMatchObject({ lab: null, issues: [{ file: 'lab.yaml', line: 0 }] });
  });
});
