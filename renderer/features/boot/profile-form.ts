/**
 * The profile editor's model: a profile as text fields, turned back into a ProfileSpec; and the
 * core's errors (details.issues paths such as ['cmdline'], ['assets', 'kernel'], or
 * ['changes', 'userData'] from `profiles.update`) mapped onto the fields.
 * Type imports only: no zod here.
 */
import type { AssetStatus } from '../../../shared/domain/asset';
import type { Profile, ProfileKind, ProfileSpec } from '../../../shared/domain/profile';
import { formErrorsFromCore, type FormErrors } from '../../rpc/form-errors';

export interface ProfileForm {
  name: string;
  description: string;
  kind: ProfileKind;
  kernel: string;
  initrd: string;
  /** '' for none. */
  iso: string;
  squashfs: string;
  cmdline: string;
  userData: string;
  preseed: string;
}

export type ProfileField = keyof ProfileForm;

export const KIND_LABEL: Record<ProfileKind, string> = {
  'cloud-init': 'cloud-init',
  'ubuntu-autoinstall': 'Ubuntu autoinstall',
  'debian-preseed': 'Debian preseed',
};
export type ProfileErrors = Partial<Record<ProfileField, string>>;

/** Top-to-bottom order in the editor, for focusing the first error. */
export const PROFILE_FIELDS: readonly ProfileField[] = ['name', 'description', 'kind', 'kernel', 'initrd', 'iso', 'squashfs', 'cmdline', 'userData', 'preseed'];

export function formFromProfile(p: Pick<Profile, keyof ProfileSpec>): ProfileForm {
  return {
    name: p.name,
    description: p.description,
    kind: p.kind,
    kernel: p.assets.kernel,
    initrd: p.assets.initrd,
    iso: p.assets.iso ?? '',
    squashfs: p.assets.squashfs ?? '',
    cmdline: p.cmdline,
    userData: p.userData,
    preseed: p.preseed ?? '',
  };
}

/** A new profile starts as a copy of a template's settings, with an empty name. */
export function blankProfileForm(template?: Pick<Profile, keyof ProfileSpec>): ProfileForm {
  if (template) return { ...formFromProfile(template), name: '', description: '' };
  return { name: '', description: '', kind: 'cloud-init', kernel: '', initrd: '', iso: '', squashfs: '', cmdline: '', userData: '', preseed: '' };
}

/** Whether the editor shows the preseed template: Debian profiles, or any profile that has one. */
export const showsPreseed = (f: ProfileForm) => f.kind === 'debian-preseed' || f.preseed.trim() !== '';

export function toSpec(f: ProfileForm): ProfileSpec {
  const spec: ProfileSpec = {
    name: f.name.trim(),
    description: f.description,
    kind: f.kind,
    assets: {
      kernel: f.kernel,
      initrd: f.initrd,
      ...(f.iso ? { iso: f.iso } : {}),
      ...(f.squashfs ? { squashfs: f.squashfs } : {}),
    },
    // Templates are sent as typed; the command line is one line, so stray edges are trimmed.
    cmdline: f.cmdline.trim(),
    userData: f.userData,
  };
  if (showsPreseed(f)) spec.preseed = f.preseed;
  return spec;
}

export function fieldOfPath(path: readonly unknown[]): ProfileField | null {
  const parts = path[0] === 'changes' ? path.slice(1) : path;
  const [first, second] = parts;
  if (first === 'assets') {
    return second === 'kernel' || second === 'initrd' || second === 'iso' || second === 'squashfs' ? second : 'kernel';
  }
  if (first === 'name' || first === 'description' || first === 'kind' || first === 'cmdline' || first === 'userData' || first === 'preseed') return first;
  return null;
}

/** Splits a core error into per-field messages and a message for the top of the form. */
export function profileErrorsFromCore(err: unknown): FormErrors<ProfileField> {
  return formErrorsFromCore(err, fieldOfPath);
}

/** The catalog entries a profile's asset slot can name, keeping the current one even if unknown. */
export function assetChoices(assets: readonly AssetStatus[], role: AssetStatus['entry']['role'], current: string): { value: string; label: string }[] {
  const choices = assets.filter((a) => a.entry.role === role).map((a) => ({ value: a.entry.id, label: `${a.entry.name} (${a.entry.id})` }));
  if (current && !choices.some((c) => c.value === current)) choices.unshift({ value: current, label: `${current} (not in the catalog)` });
  return choices;
}
