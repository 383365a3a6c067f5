import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cloudConfig, placeholdersIn, renderText, renderYaml } from './template';

const vars = {
  'node.name': 'r720-01',
  seedUrl: 'http://10.0.0.1:8080/nocloud/n1/tok/',
  adminKeys: ['ssh-ed25519 AAAAC3Nza key: with colon', 'ssh-rsa AAAAB3 "quoted" comment'],
  none: [] as string[],
};

describe('renderText', () => {
  it('substitutes placeholders, with or without inner spaces', () => {
    expect(renderText('ds=nocloud-net;s={{seedUrl}} host={{ node.name }}', vars, 'cmdline')).toBe(
      'ds=nocloud-net;s=http://10.0.0.1:8080/nocloud/n1/tok/ host=r720-01',
    );
  });
  it('names every unknown placeholder', () => {
    expect(() => renderText('{{nope}} {{node.nmae}}', vars, 'cmdline')).toThrow(/unknown placeholders \{\{nope\}\}, \{\{node\.nmae\}\}/);
  });
  it('refuses malformed placeholders and lists inside text', () => {
    expect(() => renderText('x={{node.name}', vars, 'cmdline')).toThrow(/malformed placeholder/);
    expect(() => renderText('keys={{adminKeys}}', vars, 'cmdline')).toThrow(/is a list/);
  });
  it('never evaluates anything', () => {
    expect(() => renderText('{{constructor.constructor}}', vars, 'x')).toThrow(/unknown placeholder/);
    expect(placeholdersIn('{{a}} {{b.c}} {{a}}')).toEqual(['a', 'b.c']);
  });
});

describe('renderYaml', () => {
  it('substitutes values without letting them change the structure', () => {
    const out = renderYaml('hostname: "{{node.name}}"\nnote: "x: {{node.name}}\\n- y"\nkeys: "{{adminKeys}}"\n', vars, 'user-data');
    expect(out).toEqual({ hostname: 'r720-01', note: 'x: r720-01\n- y', keys: vars.adminKeys });
    expect(parse(cloudConfig(out))).toEqual(out);
    expect(cloudConfig(out).startsWith('#cloud-config\n')).toBe(true);
  });
  it('drops a key whose list placeholder is empty', () => {
    expect(renderYaml('a: 1\nkeys: "{{none}}"\n', vars, 'user-data')).toEqual({ a: 1 });
  });
  it('explains an unquoted placeholder', () => {
    expect(() => renderYaml('hostname: {{node.name}}\n', vars, 'user-data')).toThrow(/must be quoted/);
  });
  it('reports YAML errors, duplicate keys and non-mapping documents', () => {
    expect(() => renderYaml('a: [1\n', vars, 'user-data')).toThrow(/not valid YAML/);
    expect(() => renderYaml('a: 1\na: 2\n', vars, 'user-data')).toThrow(/not valid YAML/);
    expect(() => renderYaml('- a\n', vars, 'user-data')).toThrow(/mapping/);
  });
});
