/**
 * The boot profiles the Install dialog offers. `profiles.list` is being added to the contract;
 * until it is there, the built-in profile ids are offered.
 * This imports the contract (and so zod): only the lazily loaded Install dialog may import it.
 */
import { isMethodName, type MethodName } from '../../../shared/contract';
import { rpc } from '../../rpc/api';

export interface ProfileChoice {
  id: string;
  name: string;
}

export const BUILT_IN_PROFILES: readonly ProfileChoice[] = [
  { id: 'ubuntu-24.04', name: 'Ubuntu Server 24.04 (autoinstall)' },
  { id: 'debian-12', name: 'Debian 12 (netinst, preseed)' },
  { id: 'live', name: 'Live image (practice rack)' },
];

const PROFILES_METHOD: string = 'profiles.list';

/** Turns whatever `profiles.list` returns into choices, skipping entries without an id. */
export function toChoices(result: unknown): ProfileChoice[] {
  const list = Array.isArray(result) ? result : [];
  return list.flatMap((p: unknown) => {
    const { id, name, title } = (p ?? {}) as { id?: unknown; name?: unknown; title?: unknown };
    if (typeof id !== 'string' || id === '') return [];
    const label = typeof name === 'string' && name ? name : typeof title === 'string' && title ? title : id;
    return [{ id, name: label }];
  });
}

export async function listProfiles(): Promise<ProfileChoice[]> {
  if (!isMethodName(PROFILES_METHOD)) return [...BUILT_IN_PROFILES];
  // The method is declared only once the profiles work lands, so it is called untyped here.
  const call = rpc().call.bind(rpc()) as unknown as (m: MethodName, input: object) => Promise<unknown>;
  const choices = toChoices(await call(PROFILES_METHOD, {}));
  return choices.length > 0 ? choices : [...BUILT_IN_PROFILES];
}
