import { describe, expect, it } from 'vitest';
import { Issues } from './issues';
import { toPlain, valueOf, type MapNode, type SourceNode } from './source-node';
import { parseComposeYaml } from './yaml-source';

function parse(text: string) {
  const issues = new Issues();
  const root = parseComposeYaml('compose.yaml', text, issues);
  return { root, issues: issues.list };
}

function at(node: SourceNode | undefined, ...path: (string | number)[]): SourceNode {
  let cur = node;
  for (const p of path) {
    if (typeof p === 'number') cur = cur?.kind === 'seq' ? cur.items[p] : undefined;
    else cur = cur?.kind === 'map' ? valueOf(cur, p) : undefined;
  }
  if (!cur) throw new Error(`no node at ${path.join('.')}`);
  return cur;
}

describe('parseComposeYaml', () => {
  it('keeps file, path, line and column for keys and values', () => {
    const { root, issues } = parse('services:\n  web:\n    image: nginx\n    ports:\n      - "8080:80"\n      - target: 80\n');
    expect(issues).toEqual([]);
    expect(at(root!, 'services', 'web', 'image').at).toEqual({ file: 'compose.yaml', path: 'services.web.image', line: 3, column: 12 });
    expect(at(root!, 'services', 'web', 'ports', 0).at).toEqual({ file: 'compose.yaml', path: 'services.web.ports[0]', line: 5, column: 9 });
    expect(at(root!, 'services', 'web', 'ports', 1, 'target').at).toMatchObject({ path: 'services.web.ports[1].target', line: 6, column: 17 });
    const web = at(root!, 'services', 'web') as MapNode;
    expect(web.entries[1]!.keyAt).toEqual({ file: 'compose.yaml', path: 'services.web.ports', line: 4, column: 5 });
  });

  it('quotes keys with dots in paths and places an empty value at its key', () => {
    const { root } = parse('services:\n  web:\n    labels:\n      traefik.enable: "true"\n    networks:\n      back:\n');
    expect(at(root!, 'services', 'web', 'labels', 'traefik.enable').at.path).toBe('services.web.labels["traefik.enable"]');
    expect(at(root!, 'services', 'web', 'networks', 'back').at).toMatchObject({ path: 'services.web.networks.back', line: 6, column: 7 });
  });

  it('reads YAML 1.2 scalars: yes/no/on stay strings, numbers and booleans are typed', () => {
    const { root } = parse('a: no\nb: on\nc: 1.5\nd: true\ne: ~\nf: 0o17\n');
    expect(toPlain(root!)).toEqual({ a: 'no', b: 'on', c: 1.5, d: true, e: null, f: 15 });
  });

  it('expands anchors and << merge keys; explicit keys win, the first merged anchor wins', () => {
    const text = ['x-a: &a', '  restart: always', '  image: a', 'x-b: &b', '  image: b', '  user: b', 'services:', '  web:', '    <<: [*a, *b]', '    restart: "no"', ''].join('\n');
    const { root, issues } = parse(text);
    expect(issues).toEqual([]);
    const web = at(root!, 'services', 'web');
    expect(toPlain(web)).toEqual({ restart: 'no', image: 'a', user: 'b' });
    // Merged values keep the anchor's line and take the path where they are used.
    expect(at(web, 'image').at).toMatchObject({ path: 'services.web.image', line: 3, column: 10 });
  });

  it('reports a key written twice at the second one', () => {
    const { issues } = parse('services:\n  web:\n    image: a\n    image: b\n');
    expect(issues).toEqual([
      { severity: 'error', message: 'services.web.image is defined twice (first on line 3): keep one.', file: 'compose.yaml', path: 'services.web.image', line: 4, column: 5 },
    ]);
  });

  it('turns syntax errors into issues with line and column and yields no tree', () => {
    const { root, issues } = parse('services:\n  web:\n    image: "nginx\n');
    expect(root).toBeNull();
    // The parser notices the missing quote where the text ends.
    expect(issues).toEqual([{ severity: 'error', message: 'YAML syntax error: Missing closing "quote. Fix the YAML here.', file: 'compose.yaml', path: '', line: 4, column: 1 }]);
  });

  it('reports bad indentation where the parser finds it', () => {
    const { issues } = parse('services:\n  web:\n    image: a\n   user: b\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toEqual({ severity: 'error', message: 'YAML syntax error: All mapping items must start at the same column. Fix the YAML here.', file: 'compose.yaml', path: '', line: 4, column: 1 });
  });

  it('rejects custom tags such as !reset with their path', () => {
    const { issues } = parse('services:\n  web:\n    ports: !reset []\n');
    expect(issues).toEqual([expect.objectContaining({ severity: 'error', path: 'services.web.ports', line: 3, column: 19 })]);
    expect(issues[0]!.message).toContain('!reset');
  });

  it('treats an empty file as an empty mapping', () => {
    expect(parse('# nothing yet\n')).toEqual({ root: { kind: 'map', entries: [], at: { file: 'compose.yaml', path: '', line: 1, column: 1 } }, issues: [] });
  });

  it('stops an alias bomb instead of expanding it', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    const { root, issues } = parse(`${lines.join('\n')}\n`);
    expect(root).toBeNull();
    expect(issues[0]!.message).toMatch(/expands to more than .* values through YAML aliases/);
  });

  it('rejects keys that are not plain values', () => {
    const { issues } = parse('? [a, b]\n: c\n');
    expect(issues[0]).toMatchObject({ severity: 'error', line: 1, column: 3 });
  });
});
