/**
 * Reaching a node: SSH, then passwordless sudo (every bootstrap step runs as root through
 * `sudo -n`). The gather script runs through sudo; when sudo wants a password the script runs
 * again without it, so the other checks still report (the root-only ones say so).
 */
import type { PreflightCheck } from '../../../../shared/domain/cluster-record';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import type { KubeNode, Remote } from '../remote';
import { check, type PreflightNode } from './check';
import { parseFacts, type NodeFacts } from './facts';
import { GATHER_SCRIPT } from './gather-script';

export const GATHER_TIMEOUT_MS = 30_000;

export type SudoOutcome =
  | { kind: 'ok' }
  | { kind: 'root' }
  /** sudo asked for a password (`sudo -n` refuses to prompt). */
  | { kind: 'password'; message: string }
  /** sudo is not installed. */
  | { kind: 'missing'; message: string }
  /** Anything else sudo said (not in sudoers, not allowed…). */
  | { kind: 'refused'; message: string };

export interface NodeAccess {
  /** The SSH failure; null when the node answered. */
  sshError: Error | null;
  sudo: SudoOutcome | null;
  facts: NodeFacts | null;
  /** Why the gather script gave no facts though SSH worked. */
  gatherError: string | null;
}

const isAbort = (err: unknown): boolean => (err as Error | undefined)?.name === 'AbortError';

function firstLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(0, n).join(' ').trim();
}

export async function gatherNode(remote: Remote, node: KubeNode, signal: AbortSignal): Promise<NodeAccess> {
  const unprivileged = async (sudo: SudoOutcome): Promise<NodeAccess> => {
    const again = await remote.run(node, GATHER_SCRIPT, { sudo: false, timeoutMs: GATHER_TIMEOUT_MS, signal });
    const facts = parseFacts(again.stdout);
    return { sshError: null, sudo, facts, gatherError: facts ? null : firstLines(again.stderr) || `exit ${again.exitCode}` };
  };
  try {
    if (node.target.user === 'root') {
      const result = await remote.run(node, GATHER_SCRIPT, { sudo: false, timeoutMs: GATHER_TIMEOUT_MS, signal });
      const facts = parseFacts(result.stdout);
      return { sshError: null, sudo: { kind: 'root' }, facts, gatherError: facts ? null : firstLines(result.stderr) || `exit ${result.exitCode}` };
    }
    let result;
    try {
      result = await remote.run(node, GATHER_SCRIPT, { sudo: true, timeoutMs: GATHER_TIMEOUT_MS, signal });
    } catch (err) {
      if (err instanceof RackpilotError && err.code === ErrorCode.SshSudoPassword) return await unprivileged({ kind: 'password', message: err.message });
      throw err;
    }
    const facts = parseFacts(result.stdout);
    if (facts) return { sshError: null, sudo: { kind: 'ok' }, facts, gatherError: null };
    const said = firstLines(result.stderr) || `exit ${result.exitCode}`;
    if (result.exitCode === 127 && /sudo/.test(result.stderr)) return await unprivileged({ kind: 'missing', message: said });
    if (/^sudo:|sudoers/m.test(result.stderr)) return await unprivileged({ kind: 'refused', message: said });
    return { sshError: null, sudo: { kind: 'ok' }, facts: null, gatherError: said };
  } catch (err) {
    if (isAbort(err) || signal.aborted) throw err;
    return { sshError: err instanceof Error ? err : new Error(String(err)), sudo: null, facts: null, gatherError: null };
  }
}

function sshFix(err: Error, node: KubeNode): string {
  const where = `${node.target.address}:${node.target.port}`;
  switch (err instanceof RackpilotError ? err.code : '') {
    case ErrorCode.SshHostKeyUnknown:
      return 'Open the node on the Nodes page, compare the fingerprint with the node\'s console and accept its host key, then run preflight again.';
    case ErrorCode.SshHostKeyMismatch:
      return 'If you reinstalled the node yourself, check the new fingerprint on its console and accept it on the Nodes page; otherwise find out which machine answers at this address before trusting it.';
    case ErrorCode.SshAuth:
      return `Add Rackpilot's public key to ~${node.target.user}/.ssh/authorized_keys on the node (the line is in the message), or correct the SSH user on the Nodes page.`;
    case ErrorCode.SshUnreachable:
    case ErrorCode.SshTimeout:
      return `Check that the node is on, that ${where} is its address and SSH port (sudo systemctl status ssh on the node), and that no firewall between here and the node blocks TCP ${node.target.port}.`;
    default:
      return 'Try again; if it keeps failing, check the node\'s sshd log (sudo journalctl -u ssh).';
  }
}

export function checkSsh(node: KubeNode, access: NodeAccess): PreflightCheck {
  const title = 'SSH';
  const login = `${node.target.user}@${node.target.address}:${node.target.port}`;
  if (access.sshError) return check('ssh', node.id, title, 'fail', access.sshError.message, sshFix(access.sshError, node));
  return check('ssh', node.id, title, 'pass', `Connected as ${login}`);
}

/** The sudoers line that gives the login passwordless sudo. */
export function sudoersLine(user: string): string {
  return `${user} ALL=(ALL:ALL) NOPASSWD: ALL`;
}

export function checkSudo(node: PreflightNode, sudo: SudoOutcome): PreflightCheck {
  const title = 'Passwordless sudo';
  const line = sudoersLine(node.user);
  const addRule = `add this line with sudo visudo -f /etc/sudoers.d/rackpilot:\n${line}`;
  switch (sudo.kind) {
    case 'root':
      return check('sudo', node.id, title, 'pass', 'Logs in as root: no sudo needed');
    case 'ok':
      return check('sudo', node.id, title, 'pass', `sudo works for ${node.user} without a password`);
    case 'password':
      return check('sudo', node.id, title, 'fail',
        `sudo asks ${node.user} for a password: Rackpilot runs every bootstrap step as root through sudo and cannot type one`,
        `Allow ${node.user} to use sudo without a password: on the node, ${addRule}`);
    case 'missing':
      return check('sudo', node.id, title, 'fail', `sudo is not installed (${sudo.message})`,
        `As root on the node: apt-get install -y sudo, then ${addRule}`);
    case 'refused':
      return check('sudo', node.id, title, 'fail', `sudo refused: ${sudo.message}`, `Allow ${node.user} to use sudo without a password: as root on the node, ${addRule}`);
  }
}
