/**
 * Checks a profile's templates when it is saved, so mistakes show in the editor rather than on
 * a node halfway through an install: YAML well-formed, placeholders known, a preseed where the
 * kind needs one, and a phone-home (without one the node reinstalls on every boot).
 */
import type { Node } from '../../../../shared/domain/node';
import type { ProfileSpec } from '../../../../shared/domain/profile';
import { ErrorCode, fieldError } from '../../../../shared/errors';
import { RackpilotError } from '../../../../shared/errors';
import { renderInstallBoot, renderPreseed, templateVars, userDataObject } from './render';

const SAMPLE_NODE: Node = {
  id: '00000000-0000-4000-8000-000000000000',
  name: 'sample-node',
  mac: '52:54:00:00:00:01',
  address: '',
  sshUser: 'rackpilot',
  sshPort: 22,
  role: 'unassigned',
  tags: [],
  notes: '',
  state: 'installing',
  netboot: true,
  profileId: null,
  hostKeys: [],
  firmware: 'unknown',
  createdAt: '',
  updatedAt: '',
};

export function checkProfileSpec(spec: ProfileSpec, assetPath: (id: string) => string): void {
  const profile = { ...spec, id: 'check', builtIn: false, createdAt: '', updatedAt: '' };
  const vars = templateVars(spec, SAMPLE_NODE, 'sample-token', { baseUrl: 'http://192.0.2.1:8080', adminPublicKeys: ['ssh-ed25519 AAAA sample'], assetPath });
  at(['cmdline'], () => renderInstallBoot(profile, vars));
  at(['userData'], () => userDataObject(profile, vars));
  if (spec.kind === 'debian-preseed' && !spec.preseed?.trim()) {
    throw fieldError(ErrorCode.Validation, ['preseed'], 'A Debian preseed profile needs a preseed template.');
  }
  at(['preseed'], () => renderPreseed(profile, vars));
  const text = `${spec.userData}\n${spec.preseed ?? ''}`;
  if (!/\{\{\s*phoneHomeUrl\s*\}\}/.test(text)) {
    throw fieldError(
      ErrorCode.Validation,
      ['userData'],
      'The profile never phones home ({{phoneHomeUrl}} is not used): Rackpilot would not learn the install finished, and the node would reinstall on every network boot. Add phone_home: {url: "{{phoneHomeUrl}}", post: all}.',
    );
  }
}

/** Re-throws a template error as a field error, so the editor puts it beside the right field. */
function at(path: string[], render: () => unknown): void {
  try {
    render();
  } catch (err) {
    if (err instanceof RackpilotError) throw fieldError(ErrorCode.Validation, path, err.message);
    throw err;
  }
}
