import { describe, expect, it } from 'vitest';
import { toChoices } from './profiles';

describe('profile choices', () => {
  it('takes id and a readable name from whatever profiles.list returns, skipping entries without an id', () => {
    expect(toChoices([{ id: 'ubuntu-24.04', name: 'Ubuntu 24.04' }, { id: 'custom', title: 'My profile' }, { id: 'bare' }, { name: 'no id' }, null])).toEqual([
      { id: 'ubuntu-24.04', name: 'Ubuntu 24.04' },
      { id: 'custom', name: 'My profile' },
      { id: 'bare', name: 'bare' },
    ]);
    expect(toChoices({ not: 'a list' })).toEqual([]);
  });
});
