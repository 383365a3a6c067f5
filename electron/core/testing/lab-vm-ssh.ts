/**
 * Test helper: one command on a lab VM through the OpenSSH client, with the test's own key and
 * trusting only the given known_hosts file (StrictHostKeyChecking=yes, no global file) — so a node
 * presenting any other host key fails here.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LabVm } from './lab-vm';

const run = promisify(execFile);

export interface VmSshResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function opensshOnVm(vm: Pick<LabVm, 'sshPort' | 'user'>, o: { identity: string; knownHostsFile: string; timeoutMs?: number }, command: string): Promise<VmSshResult> {
  const args = [
    '-i', o.identity,
    '-p', String(vm.sshPort),
    '-o', 'IdentitiesOnly=yes',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${o.knownHostsFile}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'ConnectTimeout=30',
    `${vm.user}@127.0.0.1`,
    command,
  ];
  try {
    const { stdout, stderr } = await run('ssh', args, { timeout: o.timeoutMs ?? 60_000, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}
