/**
 * Boot profiles: `profiles.list`, fetched when someone first opens a page that shows them, then
 * kept live from `profiles.changed` (subscribed at start-up, so edits made elsewhere show up).
 */
import { create } from 'zustand';
import type { Events } from '../../shared/contract';
import type { Profile } from '../../shared/domain/profile';
import { errorMessage, rpc } from '../rpc/api';
import { coalesce } from './coalesce';

export type ProfileChange = Events['profiles.changed'];

interface ProfilesStore {
  profiles: Profile[];
  /** 'idle' until something asks for the list. */
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
}

export const useProfiles = create<ProfilesStore>()(() => ({ profiles: [], status: 'idle', error: null }));

/** Built-ins first (as shipped), then the user's own by name (pure; exported for tests). */
export function applyProfileChanges(profiles: Profile[], changes: ProfileChange[]): Profile[] {
  const byId = new Map(profiles.map((p) => [p.id, p]));
  for (const c of changes) {
    if (c.op === 'upsert') byId.set(c.profile.id, c.profile);
    else byId.delete(c.id);
  }
  return sortProfiles([...byId.values()]);
}

export function sortProfiles(profiles: Profile[]): Profile[] {
  const builtIn = profiles.filter((p) => p.builtIn);
  const own = profiles.filter((p) => !p.builtIn).sort((a, b) => a.name.localeCompare(b.name));
  return [...builtIn, ...own];
}

const pending = coalesce<ProfileChange>((changes) =>
  useProfiles.setState((s) => (s.status === 'idle' ? s : { profiles: applyProfileChanges(s.profiles, changes) })),
);

export const onProfilesChanged = (change: ProfileChange) => pending.push(change);

export async function loadProfiles(): Promise<void> {
  pending.hold();
  useProfiles.setState((s) => (s.status === 'ready' ? s : { status: 'loading' }));
  try {
    const profiles = await rpc().call('profiles.list', {});
    useProfiles.setState({ profiles: sortProfiles(profiles), status: 'ready', error: null });
  } catch (err) {
    useProfiles.setState({ status: 'error', error: errorMessage(err) });
  } finally {
    pending.release();
  }
}

/** After a reconnect: refetch only if some page has asked for the list. */
export async function reloadProfilesIfFollowed(): Promise<void> {
  if (useProfiles.getState().status !== 'idle') await loadProfiles();
}
