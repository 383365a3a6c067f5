import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import { tempDir } from '../testing/temp-app';
import { stackDigest, StackStore, writeFileAtomic, type StoredStack } from './stack-store';

let dir: string;
let store: StackStore;

const v1: StoredStack = {
  files: { compose: 'services:\n  web:\n    image: nginx\n', overrides: [], env: 'PORT=8080\n', variables: { DB_PASSWORD: 'hunter22' }, profiles: [] },
  secrets: ['DB_PASSWORD'],
};
const v2: StoredStack = { ...v1, files: { ...v1.files, env: 'PORT=9090\n' } };

beforeEach(() => {
  dir = tempDir();
  store = new StackStore(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('StackStore', () => {
  it('stores a stack as a folder docker compose can read, secrets in a private file', () => {
    store.write('node-1', 'web', v1);
    const folder = join(dir, 'stacks', 'node-1', 'web');
    expect(readFileSync(join(folder, 'compose.yaml'), 'utf8')).toBe(v1.files.compose);
    expect(readFileSync(join(folder, '.env'), 'utf8')).toBe('PORT=8080\n');
    const settings = JSON.parse(readFileSync(join(folder, 'rackpilot.json'), 'utf8')) as unknown;
    expect(settings).toEqual({ variables: { DB_PASSWORD: 'hunter22' }, profiles: [], overrides: [], secrets: ['DB_PASSWORD'] });
    expect(statSync(join(folder, 'rackpilot.json')).mode & 0o077).toBe(0);
    expect(statSync(folder).mode & 0o077).toBe(0);
    expect(store.read('node-1', 'web')).toEqual(v1);
    expect(store.list('node-1')).toEqual(['web']);
    expect(store.list('node-2')).toEqual([]);
  });

  it('writes atomically: a rewrite leaves no temporary files, a stale one is ignored', () => {
    store.write('local', 'web', v1);
    store.write('local', 'web', v2);
    const folder = store.folder('local', 'web');
    expect(readdirSync(folder).sort()).toEqual(['.env', 'compose.yaml', 'rackpilot.json']);
    // What a crash mid-write leaves: a temp file beside the intact old one.
    writeFileSync(join(folder, 'compose.yaml.123.abcd.tmp'), 'services: {half');
    expect(store.read('local', 'web')).toEqual(v2);
    writeFileAtomic(join(folder, 'compose.yaml'), 'x', 0o600);
    expect(readFileSync(join(folder, 'compose.yaml'), 'utf8')).toBe('x');
  });

  it('records history versions with meta, and reads a version back for a rollback', () => {
    store.write('local', 'web', v1);
    expect(store.latestVersion('local', 'web')).toBeNull();
    const first = store.recordVersion('local', 'web', v1, 'web: create', new Date('2024-01-01T00:00:00Z'));
    store.write('local', 'web', v2);
    const second = store.recordVersion('local', 'web', v2, 'web: recreate (config changed: environment)');
    expect(first).toEqual({ version: 1, appliedAt: '2024-01-01T00:00:00.000Z', digest: stackDigest(v1.files), summary: 'web: create' });
    expect(second.version).toBe(2);
    expect(second.digest).not.toBe(first.digest);
    expect(store.versions('local', 'web').map((v) => v.version)).toEqual([1, 2]);
    expect(store.latestVersion('local', 'web')?.version).toBe(2);
    // The copy is independent of the current files.
    expect(store.readVersion('local', 'web', 1)).toEqual(v1);
    expect(store.read('local', 'web')).toEqual(v2);
    const h1 = join(store.folder('local', 'web'), 'history', '1');
    expect(readdirSync(h1).sort()).toEqual(['.env', 'compose.yaml', 'meta.json', 'rackpilot.json']);
  });

  it('ignores a half-built history version (a crash before its rename)', () => {
    store.write('local', 'web', v1);
    store.recordVersion('local', 'web', v1, 'first');
    mkdirSync(join(store.folder('local', 'web'), 'history', '.tmp-2-dead'), { recursive: true });
    expect(store.versions('local', 'web').map((v) => v.version)).toEqual([1]);
    expect(store.recordVersion('local', 'web', v2, 'second').version).toBe(2);
  });

  it('names the versions it has when asked for a missing one', () => {
    store.write('local', 'web', v1);
    expect(() => store.readVersion('local', 'web', 1)).toThrow(/never applied/);
    store.recordVersion('local', 'web', v1, 'first');
    expect(() => store.readVersion('local', 'web', 7)).toThrow(expect.objectContaining({ code: ErrorCode.NotFound, message: expect.stringContaining('versions: 1') }));
  });

  it('refuses names and node ids that could leave the data dir', () => {
    expect(() => store.write('local', '../evil', v1)).toThrow(expect.objectContaining({ code: ErrorCode.Validation }));
    expect(() => store.write('local', 'Upper', v1)).toThrow(/not a valid stack name/);
    expect(() => store.write('..', 'web', v1)).toThrow(/not a node id/);
    expect(() => store.list('a/b')).toThrow(/not a node id/);
  });

  it('removes the folder and its history', () => {
    store.write('local', 'web', v1);
    store.recordVersion('local', 'web', v1, 'first');
    store.remove('local', 'web');
    expect(existsSync(store.folder('local', 'web'))).toBe(false);
    expect(store.read('local', 'web')).toBeNull();
    expect(readdirSync(join(dir, 'stacks', 'local'))).toEqual([]);
  });

  it('keeps only secret markers for variables that exist', () => {
    store.write('local', 'web', { ...v1, secrets: ['DB_PASSWORD', 'GONE', 'DB_PASSWORD'] });
    expect(store.read('local', 'web')?.secrets).toEqual(['DB_PASSWORD']);
  });

  it('says which file is unreadable instead of losing the stack', () => {
    store.write('local', 'web', v1);
    writeFileSync(join(store.folder('local', 'web'), 'rackpilot.json'), '{"variables": {"bad name": 1}}');
    expect(() => store.read('local', 'web')).toThrow(expect.objectContaining({ code: ErrorCode.StoreCorrupt, message: expect.stringContaining('rackpilot.json') }));
  });

  it('keeps override files beside compose.yaml in their order, in history too, and deletes removed ones', () => {
    const prod = { name: 'compose.prod.yaml', content: 'services:\n  web:\n    environment:\n      MODE: prod\n' };
    const local = { name: 'compose.override.yaml', content: 'services:\n  web:\n    ports: ["8080:80"]\n' };
    const withOverrides: StoredStack = { ...v1, files: { ...v1.files, overrides: [prod, local] } };
    store.write('local', 'web', withOverrides);
    const folder = store.folder('local', 'web');
    expect(readFileSync(join(folder, 'compose.prod.yaml'), 'utf8')).toBe(prod.content);
    expect(statSync(join(folder, 'compose.prod.yaml')).mode & 0o077).toBe(0);
    expect(JSON.parse(readFileSync(join(folder, 'rackpilot.json'), 'utf8'))).toMatchObject({ overrides: ['compose.prod.yaml', 'compose.override.yaml'] });
    expect(store.read('local', 'web')).toEqual(withOverrides);

    store.recordVersion('local', 'web', withOverrides, 'with overrides');
    expect(stackDigest(withOverrides.files)).not.toBe(stackDigest(v1.files));
    expect(stackDigest({ ...withOverrides.files, overrides: [local, prod] })).not.toBe(stackDigest(withOverrides.files));

    // Dropped: its file goes; renamed by case only: the one file stays under its new name.
    const renamed = { ...local, name: 'Compose.Override.yaml' };
    store.write('local', 'web', { ...v1, files: { ...v1.files, overrides: [renamed] } });
    expect(existsSync(join(folder, 'compose.prod.yaml'))).toBe(false);
    expect(readdirSync(folder).filter((f) => /\.ya?ml$/i.test(f)).map((f) => f.toLowerCase()).sort()).toEqual(['compose.override.yaml', 'compose.yaml']);
    expect(store.read('local', 'web')?.files.overrides).toEqual([renamed]);
    expect(store.readVersion('local', 'web', 1)).toEqual(withOverrides);
    expect(readdirSync(join(folder, 'history', '1')).sort()).toEqual(['.env', 'compose.override.yaml', 'compose.prod.yaml', 'compose.yaml', 'meta.json', 'rackpilot.json']);
  });

  it('reads folders written before override files existed, with the same digest as then', () => {
    const folder = store.folder('local', 'old');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'compose.yaml'), v1.files.compose);
    writeFileSync(join(folder, '.env'), v1.files.env);
    writeFileSync(join(folder, 'rackpilot.json'), JSON.stringify({ variables: v1.files.variables, profiles: [], secrets: ['DB_PASSWORD'] }));
    expect(store.read('local', 'old')).toEqual(v1);
    const { compose, env, variables, profiles } = v1.files;
    const before = createHash('sha256').update(JSON.stringify({ compose, env, variables, profiles })).digest('hex');
    expect(stackDigest(v1.files)).toBe(before);
  });

  it('says which override file is missing, and refuses names that could leave the folder', () => {
    store.write('local', 'web', { ...v1, files: { ...v1.files, overrides: [{ name: 'compose.dev.yml', content: '' }] } });
    rmSync(join(store.folder('local', 'web'), 'compose.dev.yml'));
    expect(() => store.read('local', 'web')).toThrow(expect.objectContaining({ code: ErrorCode.StoreCorrupt, message: expect.stringContaining('compose.dev.yml') }));
    for (const name of ['../x.yaml', '.hidden.yaml', 'compose.yaml', 'COMPOSE.yaml', 'x.json']) {
      expect(() => store.write('local', 'bad', { ...v1, files: { ...v1.files, overrides: [{ name, content: '' }] } }), name).toThrow(expect.objectContaining({ code: ErrorCode.Validation }));
    }
  });
});
