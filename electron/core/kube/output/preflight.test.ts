import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePreflightErrors } from './preflight';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('parsePreflightErrors', () => {
  it('reads errors and warnings with their check names, in order', () => {
    const findings = parsePreflightErrors(fixture('init-preflight-errors.txt'));
    expect(findings.map((f) => `${f.kind} ${f.check}`)).toEqual([
      'warning Hostname',
      'warning Hostname',
      'warning Service-Kubelet',
      'error NumCPU',
      'error Mem',
      'error Port-6443',
      'error Port-10259',
      'error CRI',
      'error FileContent--proc-sys-net-bridge-bridge-nf-call-iptables',
      'error FileContent--proc-sys-net-ipv4-ip_forward',
      'error Swap',
      'error FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml',
      'error DirAvailable--var-lib-etcd',
    ]);
    expect(findings.find((f) => f.check === 'Port-6443')?.message).toBe('Port 6443 is in use');
    expect(findings.find((f) => f.check === 'Mem')?.message).toBe('the system RAM (969 MB) is less than the minimum 1700 MB');
  });

  it("keeps a message that runs over lines (the CRI check quotes crictl's output)", () => {
    const cri = parsePreflightErrors(fixture('init-preflight-errors.txt')).find((f) => f.check === 'CRI');
    expect(cri?.message.split('\n')).toHaveLength(2);
    expect(cri?.message).toMatch(/^container runtime is not running: output: .*unknown service runtime\.v1\.RuntimeService"\n, error: exit status 1$/);
  });

  it('reads the 1.34 layout (no "error execution phase" prefix) and stops at kubeadm\'s own lines', () => {
    expect(parsePreflightErrors(fixture('init-preflight-ip-forward-v1.34.txt'))).toEqual([
      { kind: 'error', check: 'FileContent--proc-sys-net-ipv4-ip_forward', message: '/proc/sys/net/ipv4/ip_forward contents are not set to 1' },
    ]);
  });

  it('finds nothing in a clean init', () => {
    expect(parsePreflightErrors(fixture('init-success-ha-v1.31.txt'))).toEqual([]);
  });
});
