import { describe, expect, it } from 'vitest';
import { nodeChangesSchema, nodeInputSchema } from './node-schema';

describe('nodeInputSchema', () => {
  it('fills defaults and normalises', () => {
    const node = nodeInputSchema.parse({ name: 'r720-01', mac: '52-54-00-AA-BB-CC', tags: ['Lab', 'lab', 'gpu'] });
    expect(node).toEqual({
      name: 'r720-01',
      mac: '52:54:00:aa:bb:cc',
      address: '',
      sshUser: 'rackpilot',
      sshPort: 22,
      role: 'unassigned',
      tags: ['lab', 'gpu'],
      notes: '',
    });
  });

  it('names the field that is wrong', () => {
    const r = nodeInputSchema.safeParse({ name: 'bad name', mac: 'nope', sshPort: 70000 });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['name', 'mac', 'sshPort']));
  });

  it('edits carry only the fields given (no defaults that would reset others)', () => {
    expect(nodeChangesSchema.parse({ notes: 'rack 2, slot 4' })).toEqual({ notes: 'rack 2, slot 4' });
  });
});
