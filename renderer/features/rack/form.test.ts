import { describe, expect, it } from 'vitest';
import { RackpilotError } from '../../../shared/errors';
import { createErrorsFromCore, DEFAULT_CREATE_FORM, fieldOfPath, toCreateInput } from './form';

describe('toCreateInput', () => {
  it('turns the default form into create input', () => {
    const r = toCreateInput(DEFAULT_CREATE_FORM);
    expect(r.errors).toBeNull();
    expect(r.input).toEqual({ count: 1, firmware: 'bios', memoryMb: 2048, cpus: 1, diskGb: 20, namePrefix: 'vnode', network: 'rootless' });
  });

  it('accepts one BIOS node with 256 MiB', () => {
    expect(toCreateInput({ ...DEFAULT_CREATE_FORM, memoryMb: ' 256 ' }).input?.memoryMb).toBe(256);
  });

  it('puts the schema’s messages beside the fields', () => {
    const r = toCreateInput({ ...DEFAULT_CREATE_FORM, count: '17', memoryMb: '128', cpus: '0', diskGb: '0', namePrefix: '9bad' });
    expect(r.input).toBeNull();
    expect(r.errors).toEqual({
      count: 'At most 16 nodes at once',
      memoryMb: expect.stringMatching(/at least 256 MiB/),
      cpus: 'A node needs at least one CPU',
      diskGb: expect.stringMatching(/at least 1 GiB/),
      namePrefix: expect.stringMatching(/letters, digits and hyphens/),
    });
  });

  it('says what a number field wants when it is not a whole number', () => {
    const r = toCreateInput({ ...DEFAULT_CREATE_FORM, count: '', memoryMb: '2 GB', cpus: '1.5' });
    expect(r.errors?.count).toMatch(/whole number from 1 to 16/);
    expect(r.errors?.memoryMb).toMatch(/whole number of MiB/);
    expect(r.errors?.cpus).toMatch(/whole number/);
  });

  it('uses the default prefix when the field is empty', () => {
    expect(toCreateInput({ ...DEFAULT_CREATE_FORM, namePrefix: '  ' }).input?.namePrefix).toBe('vnode');
  });
});

describe('core errors', () => {
  it('maps issue paths onto fields', () => {
    expect(fieldOfPath(['memoryMb'])).toBe('memoryMb');
    expect(fieldOfPath(['network'])).toBeNull();
    expect(fieldOfPath([])).toBeNull();
  });

  it('shows field issues beside the fields and the rest at the top', () => {
    const err = new RackpilotError('E_VALIDATION', 'Bad input', { issues: [{ path: ['diskGb'], message: 'too big' }, { path: ['network'], message: 'bridged needs root' }] });
    expect(createErrorsFromCore(err)).toEqual({ fields: { diskGb: 'too big' }, general: 'bridged needs root' });
  });

  it('shows an error without issues (QEMU missing) at the top', () => {
    const err = new RackpilotError('E_QEMU_MISSING', 'QEMU is not installed: sudo apt-get install qemu-system-x86');
    expect(createErrorsFromCore(err)).toEqual({ fields: {}, general: 'QEMU is not installed: sudo apt-get install qemu-system-x86' });
  });
});
