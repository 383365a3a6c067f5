/** Test helper: the RackpilotError a call rejects with (fails the test if it resolves or throws anything else). */
import { expect } from 'vitest';
import { RackpilotError } from '../../../shared/errors';

export async function rejection(p: Promise<unknown>): Promise<RackpilotError> {
  const err = await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RackpilotError);
  return err as RackpilotError;
}
