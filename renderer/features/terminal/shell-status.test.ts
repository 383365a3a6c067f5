import { describe, expect, it } from 'vitest';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { endedStatus, failedStatus } from './shell-status';

describe('shell status', () => {
  it('names the exit code when the shell exited', () => {
    expect(endedStatus({ terminalId: 't', exitCode: 3, reason: 'exited' })).toEqual({ state: 'ended', message: 'Shell exited (code 3).' });
    expect(endedStatus({ terminalId: 't', exitCode: null, reason: 'exited' })).toEqual({ state: 'ended', message: 'Shell exited.' });
    expect(endedStatus({ terminalId: 't', exitCode: null, reason: 'disconnected' }).state).toBe('ended');
  });

  it('sends an unknown host key to the Overview tab, and passes other errors through', () => {
    const hostKey = failedStatus(new RackpilotError(ErrorCode.SshHostKeyUnknown, 'no pin'));
    expect(hostKey).toMatchObject({ state: 'failed', message: expect.stringContaining('Accept the host key on the Overview tab') });
    const auth = failedStatus(new RackpilotError(ErrorCode.SshAuth, 'root@10.0.0.5 refused the key.'));
    expect(auth).toEqual({ state: 'failed', message: 'Could not open a shell: root@10.0.0.5 refused the key.' });
    const lost = failedStatus(new RackpilotError(ErrorCode.Disconnected, 'Lost the connection to the Rackpilot core.'), true);
    expect(lost).toEqual({ state: 'failed', message: 'The shell was cut off: Lost the connection to the Rackpilot core.' });
  });
});
