import { describe, expect, it } from 'vitest';
import { ErrorCode, fieldError, RackpilotError } from '../../../shared/errors';
import { blankForm, changesFrom, checkLocally, errorsFromCore, fieldOfPath, toInput } from './form';

describe('node form', () => {
  it('turns the text fields into the API input', () => {
    const { input, errors } = toInput({ ...blankForm(), name: 'n1', mac: '52:54:00:00:00:01', sshPort: '2222', tags: ' a, b ,, c ' });
    expect(errors).toEqual({});
    expect(input).toMatchObject({ name: 'n1', sshPort: 2222, tags: ['a', 'b', 'c'] });
  });

  it('checks fields with the shared schema before a round trip', () => {
    const errors = checkLocally({ ...blankForm(), name: 'ok', mac: 'zz', sshPort: 'twenty' });
    expect(errors.mac).toMatch(/not a MAC address/);
    expect(errors.sshPort).toBe('Port is 1-65535');
    expect(errors.name).toBeUndefined();
  });

  it('sends only the fields that changed in an edit', () => {
    const original = { ...blankForm(), name: 'n1', mac: '52:54:00:00:00:01', tags: 'a, b' };
    const edited = { ...original, address: '10.0.0.1', tags: 'a,b' };
    expect(changesFrom(original, edited, toInput(edited).input)).toEqual({ address: '10.0.0.1' });
  });

  it('finds the field in create and update issue paths', () => {
    expect(fieldOfPath(['mac'])).toBe('mac');
    expect(fieldOfPath(['changes', 'name'])).toBe('name');
    expect(fieldOfPath(['tags', 3])).toBe('tags');
    expect(fieldOfPath(['id'])).toBeNull();
  });

  it('puts the core’s field errors on their fields and anything else at the top', () => {
    const conflict = fieldError(ErrorCode.Conflict, ['mac'], 'MAC already belongs to node "a"');
    expect(errorsFromCore(conflict)).toEqual({ fields: { mac: 'MAC already belongs to node "a"' }, general: null });
    expect(errorsFromCore(new RackpilotError(ErrorCode.Disconnected, 'Lost the connection'))).toEqual({ fields: {}, general: 'Lost the connection' });
    const odd = new RackpilotError(ErrorCode.Validation, 'bad', { issues: [{ path: ['id'], message: 'id is wrong' }] });
    expect(errorsFromCore(odd)).toEqual({ fields: {}, general: 'id is wrong' });
  });
});
