/**
 * kubeadm's preflight findings. RunChecks (cmd/kubeadm/app/preflight/checks.go) prints each as
 *   \t[WARNING <check>]: <message>
 *   \t[ERROR <check>]: <message>
 * where <check> is the checker's Name(): "Swap", "NumCPU", "Mem", "CRI", "Port-<n>",
 * "FileContent--proc-sys-net-ipv4-ip_forward" (the path with / replaced by -), … — the same
 * names `--ignore-preflight-errors` takes. Errors are preceded by
 * "[preflight] Some fatal errors occurred:" and followed by "[preflight] If you know what you are
 * doing, …". A message can run over several lines: the CRI check quotes crictl's output, which
 * ends in a newline before ", error: exit status 1".
 */

/** Check names kubeadm uses, for readers; any other name kubeadm prints is kept as is. */
export type PreflightCheckName =
  | 'Swap'
  | 'NumCPU'
  | 'Mem'
  | 'CRI'
  | 'ImagePull'
  | 'IsPrivilegedUser'
  | 'SystemVerification'
  | 'Hostname'
  | 'Service-Kubelet'
  | 'FileContent--proc-sys-net-ipv4-ip_forward'
  | 'FileContent--proc-sys-net-bridge-bridge-nf-call-iptables'
  | `Port-${number}`
  | (string & {});

export interface PreflightFinding {
  kind: 'error' | 'warning';
  check: PreflightCheckName;
  message: string;
}

const FINDING = /^\s*\[(ERROR|WARNING) ([^\]]+)\]:\s?(.*)$/;

/** Lines that close a finding's message: kubeadm's own next lines, never part of a check's text. */
function endsMessage(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('[') || /^(error( execution phase|:)|To see the stack trace)/.test(trimmed);
}

export function parsePreflightErrors(text: string): PreflightFinding[] {
  const findings: PreflightFinding[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const match = FINDING.exec(lines[i] ?? '');
    if (!match) continue;
    const messageLines = [(match[3] ?? '').trimEnd()];
    while (i + 1 < lines.length && !endsMessage(lines[i + 1] ?? '')) {
      messageLines.push((lines[++i] ?? '').trim());
    }
    findings.push({
      kind: match[1] === 'ERROR' ? 'error' : 'warning',
      check: (match[2] ?? '').trim(),
      message: messageLines.join('\n'),
    });
  }
  return findings;
}
