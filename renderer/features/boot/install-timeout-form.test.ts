import { describe, expect, it } from 'vitest';
import { parseInstallTimeout } from './install-timeout-form';

describe('install timeout field', () => {
  it('takes whole minutes within the core’s bounds', () => {
    expect(parseInstallTimeout(' 45 ')).toEqual({ minutes: 45 });
    expect(parseInstallTimeout('1')).toEqual({ minutes: 1 });
    expect(parseInstallTimeout('1440')).toEqual({ minutes: 1440 });
  });

  it('says what it accepts for anything else', () => {
    for (const bad of ['', '0', '1441', '2.5', '-3', 'an hour']) {
      expect(parseInstallTimeout(bad)).toEqual({ error: 'Enter whole minutes from 1 to 1440.' });
    }
  });
});
