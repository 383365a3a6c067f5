import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDACTED } from '../output/redact';
import { diagnose } from './diagnose';

const fixture = (name: string) => readFileSync(join(__dirname, '../output/fixtures', name), 'utf8');

/** What diagnose must not say: nothing about clean runs, no secrets, no whole journald lines. */
describe('diagnose stays quiet and discreet', () => {
  it.each([
    ['init', 'init-success-ha-v1.31.txt'],
    ['init', 'init-success-v1.33.txt'],
    ['init', 'init-success-legacy-v1.10.txt'],
    ['join', 'join-success-v1.33.txt'],
    ['reset', 'reset-success-v1.31.txt'],
  ] as const)('finds nothing in a clean %s (%s), even if the exit code were lost', (step, name) => {
    for (const exitCode of [0, 1, null]) expect(diagnose({ step, exitCode, output: fixture(name) })).toEqual([]);
  });

  it('reads a healthy kubelet journal alongside a clean init without complaint', () => {
    const journal = 'Nov 23 09:12:40 lab-cp kubelet[8470]: I1123 09:12:40.913870    8470 server.go:1423] "Using cgroup driver setting received from the CRI runtime" cgroupDriver="systemd"';
    expect(diagnose({ step: 'init', exitCode: 0, output: fixture('init-success-ha-v1.31.txt'), kubeletJournal: journal, cgroupDriver: 'systemd' })).toEqual([]);
  });

  it('does not blame SystemdCgroup=false on a cgroupfs cluster or when nothing fails', () => {
    const info = fixture('crictl-info-systemdcgroup-false.txt');
    expect(diagnose({ step: 'init', exitCode: 1, output: `${fixture('init-kubelet-unhealthy-v1.31.txt')}\n${info}`, cgroupDriver: 'cgroupfs' }).map((d) => d.code)).toEqual([
      'kubelet-unhealthy',
    ]);
    expect(diagnose({ step: 'init', exitCode: 0, output: `${fixture('init-success-v1.33.txt')}\n${info}` })).toEqual([]);
  });

  it('ignores the JWS polling message of a join that went on to succeed', () => {
    const output = `I1123 12:25:03.183174     140 token.go:250] [discovery] Retrying due to error: could not find a JWS signature in the cluster-info ConfigMap for token ID "rb6uj0"\n${fixture('join-success-v1.33.txt')}`;
    expect(diagnose({ step: 'join', exitCode: 0, output })).toEqual([]);
  });

  it('never quotes a secret, even when the failing output echoes the join command', () => {
    const output = `[preflight] Running pre-flight checks\nkubeadm join k8s.lab:6443 --token rb6uj0.3dconpkn6vn54uj6 --control-plane --certificate-key d92743ed1f8b937f9ae20ece2ebb0c1436db1b6a773cdb2b74800e2374b4ea32: could not find a JWS signature in the cluster-info ConfigMap for token ID "rb6uj0"`;
    const [d] = diagnose({ step: 'join', exitCode: 1, output });
    expect(d?.code).toBe('join-token-invalid');
    expect(d?.detail).toContain(`rb6uj0.${REDACTED}`);
    expect(d?.detail).not.toContain('3dconpkn6vn54uj6');
    expect(d?.detail).not.toContain('d92743ed1f8b937f9ae20ece2ebb0c1436db1b6a773cdb2b74800e2374b4ea32');
  });

  it('quotes journal lines without their journald prefix', () => {
    const [d] = diagnose({ step: 'init', exitCode: 1, output: fixture('init-control-plane-unhealthy-v1.33.txt'), kubeletJournal: fixture('kubelet-journal-cgroupspath.txt') });
    expect(d?.detail).toMatch(/^The kubelet journal says: "E1123 11:07:02\.248428 .*expected cgroupsPath/);
    expect(d?.detail).not.toContain('lab-cp kubelet[397647]:');
  });

  it('cuts a long line to a window around what matched', () => {
    const [d] = diagnose({ step: 'init', exitCode: 1, output: `${'filler '.repeat(100)}running with swap on is not supported, please disable swap` });
    expect(d?.detail).toMatch(/^kubeadm init printed: "…[a-z]* (filler )+running with swap on is not supported, please disable swap"/);
    expect(d?.detail.length).toBeLessThan(600);
  });
});
