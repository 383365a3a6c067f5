/** API methods for boot profiles and the asset cache (the Boot page's catalog). */
import type { Handlers } from '../rpc/handlers';
import type { AssetCache } from './assets/asset-cache';
import type { ProfilesService } from './profiles/profiles-service';

type CatalogMethods =
  | 'profiles.list'
  | 'profiles.get'
  | 'profiles.create'
  | 'profiles.clone'
  | 'profiles.update'
  | 'profiles.remove'
  | 'assets.list'
  | 'assets.download'
  | 'assets.import';

export function catalogHandlers(profiles: ProfilesService, assets: AssetCache): Pick<Handlers, CatalogMethods> {
  return {
    'profiles.list': () => profiles.list(),
    'profiles.get': ({ id }) => profiles.get(id),
    'profiles.create': (input) => profiles.create(input),
    'profiles.clone': (input) => profiles.clone(input),
    'profiles.update': (input) => profiles.update(input),
    'profiles.remove': ({ id }) => {
      profiles.remove(id);
      return { id };
    },
    'assets.list': () => assets.list(),
    'assets.download': (input) => assets.download(input),
    'assets.import': (input) => assets.import(input),
  };
}
