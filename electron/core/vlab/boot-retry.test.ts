import { describe, expect, it } from 'vitest';
import { BootRetryWatch } from './boot-retry';

const PXE_FAILED = 'BdsDxe: failed to load Boot0002 "UEFI PXEv4 (MAC:525400000001)"\r\n';
const SHELL = 'BdsDxe: starting Boot0006 "EFI Internal Shell"\r\nUEFI Interactive Shell v2.2\r\nEDK II\r\nShell> ';

describe('boot retry of a UEFI node whose firmware ended in its shell', () => {
  it('asks for a reset when the shell starts, also when its banner arrives split across chunks', () => {
    const attempts: number[] = [];
    const watch = new BootRetryWatch({ maxRetries: 3, onGaveUp: (n) => attempts.push(n) });
    watch.feed(PXE_FAILED);
    expect(attempts).toEqual([]);
    const at = SHELL.indexOf('Interactive') + 4;
    watch.feed(SHELL.slice(0, at));
    watch.feed(SHELL.slice(at));
    expect(attempts).toEqual([1]);
    // The same shell's prompt and keystrokes do not count again; the next shell start does.
    watch.feed('Shell> ');
    expect(attempts).toEqual([1]);
    watch.feed(PXE_FAILED + SHELL);
    expect(attempts).toEqual([1, 2]);
  });

  it('gives up after maxRetries, leaving the node in its shell for a person to see', () => {
    const attempts: number[] = [];
    const watch = new BootRetryWatch({ maxRetries: 2, onGaveUp: (n) => attempts.push(n) });
    for (let i = 0; i < 5; i++) watch.feed(SHELL);
    expect(attempts).toEqual([1, 2]);
    expect(watch.attempts).toBe(2);
  });

  it('never fires on a normal network boot', () => {
    const attempts: number[] = [];
    const watch = new BootRetryWatch({ maxRetries: 2, onGaveUp: (n) => attempts.push(n) });
    watch.feed('>>Start PXE over IPv4.\r\n  Station IP address is 10.77.0.50\r\niPXE initialising devices...\r\n');
    expect(attempts).toEqual([]);
  });
});
