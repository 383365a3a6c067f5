/** The boot profiles the Install dialog offers: built-ins first, then the user's own. */
import type { Profile } from '../../../shared/domain/profile';
import { rpc } from '../../rpc/api';
import { sortProfiles } from '../../stores/profiles';

export interface ProfileChoice {
  id: string;
  name: string;
}

/** A profile as a choice; the user's own are marked, since their names are free text. */
export function toChoices(profiles: readonly Profile[]): ProfileChoice[] {
  return sortProfiles([...profiles]).map((p) => ({ id: p.id, name: p.builtIn ? p.name : `${p.name} (yours)` }));
}

export async function listProfiles(): Promise<ProfileChoice[]> {
  return toChoices(await rpc().call('profiles.list', {}));
}
