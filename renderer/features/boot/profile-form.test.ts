import { describe, expect, it } from 'vitest';
import type { AssetStatus } from '../../../shared/domain/asset';
import type { Profile } from '../../../shared/domain/profile';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { formatBytes, needsUnverifiedConsent, sizeText } from './asset-format';
import { copyName } from './ProfileDialogs';
import { assetChoices, fieldOfPath, formFromProfile, profileErrorsFromCore, toSpec } from './profile-form';

const live = {
  id: 'live-image',
  name: 'Live image',
  description: 'd',
  kind: 'cloud-init',
  assets: { kernel: 'live-vmlinuz', initrd: 'live-initrd', squashfs: 'live-squashfs' },
  cmdline: 'boot=live fetch={{assets.squashfs}}',
  userData: '#cloud-config\n',
  builtIn: true,
  createdAt: '',
  updatedAt: '',
} satisfies Profile;

describe('profile form', () => {
  it('round-trips a profile, dropping empty optional assets and the preseed of non-Debian kinds', () => {
    const form = formFromProfile(live);
    expect(form.iso).toBe('');
    expect(toSpec({ ...form, cmdline: `  ${form.cmdline}\n` })).toEqual({
      name: 'Live image',
      description: 'd',
      kind: 'cloud-init',
      assets: { kernel: 'live-vmlinuz', initrd: 'live-initrd', squashfs: 'live-squashfs' },
      cmdline: 'boot=live fetch={{assets.squashfs}}',
      userData: '#cloud-config\n',
    });
    expect(toSpec({ ...form, kind: 'debian-preseed' }).preseed).toBe('');
  });

  it('puts the core’s issues beside their fields, with or without the update’s "changes" prefix', () => {
    expect(fieldOfPath(['changes', 'userData'])).toBe('userData');
    expect(fieldOfPath(['assets', 'iso'])).toBe('iso');
    expect(fieldOfPath(['id'])).toBeNull();
    const err = new RackpilotError(ErrorCode.Validation, 'The profile never phones home', {
      issues: [
        { path: ['userData'], message: 'The profile never phones home' },
        { path: ['id'], message: 'odd' },
      ],
    });
    expect(profileErrorsFromCore(err)).toEqual({ fields: { userData: 'The profile never phones home' }, general: 'odd' });
    expect(profileErrorsFromCore(new RackpilotError(ErrorCode.Conflict, 'is armed'))).toEqual({ fields: {}, general: 'is armed' });
  });

  it('offers the catalog entries of a role, keeping an unknown current one', () => {
    const a = (id: string, role: AssetStatus['entry']['role']) => ({ entry: { id, name: id.toUpperCase(), role } }) as AssetStatus;
    expect(assetChoices([a('k1', 'kernel'), a('i1', 'initrd')], 'kernel', 'gone')).toEqual([
      { value: 'gone', label: 'gone (not in the catalog)' },
      { value: 'k1', label: 'K1 (k1)' },
    ]);
  });

  it('names a copy after the original, skipping names in use', () => {
    expect(copyName('Live', [{ name: 'Live' }])).toBe('Live (copy)');
    expect(copyName('Live', [{ name: 'live (copy)' }, { name: 'Live (copy 2)' }])).toBe('Live (copy 3)');
  });
});

describe('asset wording', () => {
  it('formats sizes and partial downloads', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(370_000_000)).toBe('353 MiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    const s = (state: AssetStatus['state'], bytes: number, size?: number) => ({ state, bytes, entry: { size } }) as AssetStatus;
    expect(sizeText(s('partial', 1024 * 1024, 10 * 1024 * 1024))).toBe('1.0 MiB of ~10.0 MiB');
    expect(sizeText(s('missing', 0))).toBe('size unknown');
    expect(sizeText(s('ready', 2048))).toBe('2.0 KiB');
  });

  it('asks for consent only when the core says the checksum is unknown (E_CHECKSUM_UNKNOWN)', () => {
    expect(needsUnverifiedConsent('E_CHECKSUM_UNKNOWN')).toBe(true);
    expect(needsUnverifiedConsent('E_CHECKSUM_MISMATCH')).toBe(false);
    expect(needsUnverifiedConsent(null)).toBe(false);
  });
});
