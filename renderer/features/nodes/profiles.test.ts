import { describe, expect, it } from 'vitest';
import type { Profile } from '../../../shared/domain/profile';
import { toChoices } from './profiles';

const p = (id: string, name: string, builtIn: boolean) => ({ id, name, builtIn }) as Profile;

describe('profile choices', () => {
  it('offers the built-ins first as shipped, then the user’s own by name, marked as theirs', () => {
    expect(toChoices([p('u2', 'Zeta', false), p('live-image', 'Live image', true), p('u1', 'alpha', false), p('debian-12-preseed', 'Debian 12', true)])).toEqual([
      { id: 'live-image', name: 'Live image' },
      { id: 'debian-12-preseed', name: 'Debian 12' },
      { id: 'u1', name: 'alpha (yours)' },
      { id: 'u2', name: 'Zeta (yours)' },
    ]);
  });
});
