import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RackpilotError } from '../../../../shared/errors';
import { createTempApp, type TempApp } from '../../testing/temp-app';
import { ProfilesService } from './profiles-service';

let t: TempApp;
let profiles: ProfilesService;
const assetPath = (id: string) => {
  if (id === 'nope') throw new RackpilotError('E_NOT_FOUND', `unknown asset ${id}`);
  return `/assets/${id}/f`;
};

beforeEach(() => {
  t = createTempApp();
  profiles = new ProfilesService(t.app.services.db, t.app.services.audit, assetPath);
});
afterEach(() => t.close());

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof RackpilotError ? `${err.code}: ${err.message}` : String(err);
  }
  return undefined;
}

describe('ProfilesService', () => {
  it('lists the built-ins and refuses to change them', () => {
    const ids = profiles.list().map((p) => p.id);
    expect(ids).toEqual(['ubuntu-24.04-autoinstall', 'debian-12-preseed', 'live-image', 'install-to-disk']);
    expect(codeOf(() => profiles.update({ id: 'live-image', changes: { name: 'x' } }))).toMatch(/^E_CONFLICT: .*built-in.*clone/);
    expect(codeOf(() => profiles.remove('debian-12-preseed'))).toMatch(/^E_CONFLICT/);
  });

  it('clones, edits and deletes a user profile, persisted across restarts', async () => {
    const copy = profiles.clone({ id: 'live-image', name: 'Live, verbose' });
    expect(copy).toMatchObject({ builtIn: false, kind: 'cloud-init', name: 'Live, verbose' });
    const edited = profiles.update({ id: copy.id, changes: { cmdline: `${copy.cmdline} debug` } });
    expect(edited.cmdline.endsWith(' debug')).toBe(true);

    const dir = t.dir;
    await t.close({ keepDir: true });
    t = createTempApp(dir);
    profiles = new ProfilesService(t.app.services.db, t.app.services.audit, assetPath);
    expect(profiles.get(copy.id).cmdline).toBe(edited.cmdline);
    profiles.remove(copy.id);
    expect(codeOf(() => profiles.get(copy.id))).toMatch(/^E_NOT_FOUND/);
  });

  it('rejects bad templates with the field and the reason', () => {
    const base = profiles.get('live-image');
    const { id: _i, builtIn: _b, createdAt: _c, updatedAt: _u, ...spec } = base;
    expect(codeOf(() => profiles.create({ ...spec, name: 'a', cmdline: 'x={{bogus}}' }))).toMatch(/^E_VALIDATION: .*\{\{bogus\}\}/);
    expect(codeOf(() => profiles.create({ ...spec, name: 'b', userData: 'hostname: {{node.name}}' }))).toMatch(/quoted/);
    expect(codeOf(() => profiles.create({ ...spec, name: 'c', userData: 'hostname: "{{node.name}}"' }))).toMatch(/never phones home/);
    expect(codeOf(() => profiles.create({ ...spec, name: 'd', cmdline: 'fetch={{assets.iso}}' }))).toMatch(/\{\{assets\.iso\}\}/);
    expect(codeOf(() => profiles.create({ ...spec, name: 'e', assets: { ...spec.assets, kernel: 'nope' } }))).toMatch(/unknown asset nope/);
    expect(codeOf(() => profiles.create({ ...spec, name: 'f', kind: 'debian-preseed' }))).toMatch(/needs a preseed/);
    expect(codeOf(() => profiles.create({ ...spec, name: '' }))).toMatch(/^E_VALIDATION: .*name/);
  });

  it('keeps names unique, including the built-ins, ignoring case', () => {
    profiles.clone({ id: 'live-image', name: 'Mine' });
    expect(codeOf(() => profiles.clone({ id: 'live-image', name: 'MINE' }))).toMatch(/^E_CONFLICT: .*already exists/);
    expect(codeOf(() => profiles.clone({ id: 'live-image', name: 'live image (practice rack)' }))).toMatch(/^E_CONFLICT: .*built-in/);
  });

  it('will not delete a profile a node is armed to install', () => {
    const copy = profiles.clone({ id: 'live-image', name: 'Armed' });
    const node = t.app.services.bootInventory.recordDiscovered('52:54:00:aa:bb:cc', {});
    t.app.services.bootInventory.requestInstall(node.id, copy.id);
    expect(codeOf(() => profiles.remove(copy.id))).toMatch(/armed for the next install of discovered-525400aabbcc/);
  });

  it('renders every file of a node install', () => {
    const node = t.app.services.bootInventory.recordDiscovered('52:54:00:aa:bb:cd', {});
    const r = profiles.render('live-image', node, 'tok', { baseUrl: 'http://10.0.0.1:8080', adminPublicKeys: [] });
    expect(r.boot.kernelUrl).toBe('http://10.0.0.1:8080/assets/live-vmlinuz/f');
    expect(r.userData).toMatch(/^#cloud-config\n/);
    expect(r.metaData).toContain(`local-hostname: ${node.name}`);
    expect(r.vendorData).toBe('#cloud-config\n{}\n');
    expect(r.preseed).toBeNull();
  });
});
