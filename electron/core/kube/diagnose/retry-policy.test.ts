import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { retryPolicy } from './retry-policy';
import type { KubeStep } from './types';

const fixture = (name: string) => readFileSync(join(__dirname, '../output/fixtures', name), 'utf8');

describe('retryPolicy', () => {
  it.each<[string, KubeStep, number | null, string]>([
    ['join-no-route.txt', 'join', 1, 'A control-plane port cannot be reached'],
    ['join-timeout.txt', 'join', 1, 'A control-plane port cannot be reached'],
    ['join-io-timeout.txt', 'join', 1, 'A control-plane port cannot be reached'],
    ['cni-apply-connection-refused.txt', 'cni', 1, 'A control-plane port cannot be reached'],
    ['kubectl-server-refused.txt', 'ready', 1, 'A control-plane port cannot be reached'],
    ['init-preflight-image-pull.txt', 'init', 2, 'Control-plane images could not be pulled'],
    ['ready-cni-not-ready.txt', 'ready', 1, 'The pod network is not running'],
  ])('retries %s (%s, exit %s): a passing fault', (name, step, exitCode, why) => {
    const decision = retryPolicy(step, exitCode, fixture(name));
    expect(decision.action).toBe('retry');
    expect(decision.reason).toContain(why);
  });

  it.each<[string, KubeStep, number | null, string]>([
    ['init-preflight-swap-v1.27.txt', 'init', 1, 'Swap is on'],
    ['init-preflight-port-in-use.txt', 'init', 1, 'Ports Kubernetes needs are already taken'],
    ['init-preflight-ip-forward-v1.34.txt', 'init', 1, 'IPv4 forwarding is off'],
    ['init-preflight-cri-disabled-v1.30.txt', 'init', 2, 'The container runtime is not answering'],
    ['init-kubelet-unhealthy-v1.31.txt', 'init', 1, 'kubelet did not become healthy'],
    ['init-config-invalid.txt', 'init', 3, 'rejected its configuration'],
    ['join-token-expired-v1.29.txt', 'join', 1, 'The join token is expired'],
    ['join-bad-ca-hash.txt', 'join', 1, 'The CA hash'],
    ['join-certkey-expired-v1.31.txt', 'join', 1, 'uploaded certificates are gone'],
    ['join-certkey-mismatch.txt', 'join', 1, 'certificate key does not open'],
    ['flannel-pod-cidr-not-assigned.txt', 'cni', 1, 'The node has no pod address range'],
  ])('does not retry %s (%s, exit %s): the node or the inputs must change', (name, step, exitCode, why) => {
    const decision = retryPolicy(step, exitCode, fixture(name));
    expect(decision.action).toBe('fail');
    expect(decision.reason).toContain(why);
    expect(decision.reason).toMatch(/^Not retried: /);
  });

  it('names the kubelet-side cause when given the journal', () => {
    const decision = retryPolicy('init', 1, fixture('init-kubelet-unhealthy-v1.31.txt'), fixture('kubelet-journal-swap.txt'));
    expect(decision).toMatchObject({ action: 'fail', reason: expect.stringContaining('Swap is on') });
  });

  it("trusts kubeadm's preflight (2) and validation (3) exit codes for causes it does not name", () => {
    expect(retryPolicy('init', 2, '[ERROR SomethingNew]: a check from a later kubeadm')).toMatchObject({ action: 'fail' });
    expect(retryPolicy('init', 2, 'some output')).toMatchObject({ action: 'fail', reason: expect.stringContaining('preflight') });
    expect(retryPolicy('init', 3, 'some output')).toMatchObject({ action: 'fail', reason: expect.stringContaining('exited with 3') });
  });

  it('reads preflight failures from the text when kubeadm exits 1 for them (phase-wrapped errors)', () => {
    const output = '[preflight] Some fatal errors occurred:\n[preflight] If you know what you are doing, …\nerror: error execution phase preflight: preflight checks failed';
    expect(retryPolicy('join', 1, output)).toMatchObject({ action: 'fail', reason: expect.stringContaining('preflight') });
  });

  it('retries unrecognised timeouts and dropped sessions', () => {
    const uploadConfig = 'error execution phase upload-config/kubelet: Error writing Crisocket information for the control-plane node: timed out waiting for the condition';
    expect(retryPolicy('init', 1, uploadConfig)).toMatchObject({ action: 'retry', reason: expect.stringContaining('"timed out waiting for the condition"') });
    expect(retryPolicy('join', 1, 'etcdserver: leader changed')).toMatchObject({ action: 'retry' });
    expect(retryPolicy('join', null, '[preflight] Running pre-flight checks')).toMatchObject({ action: 'retry', reason: expect.stringContaining('without an exit code') });
  });

  it('retries an unknown failure of a step that is safe to repeat, but not of init or join', () => {
    expect(retryPolicy('reset', 1, '[reset] Unmounting mounted directories in "/var/lib/kubelet"\nsomething odd')).toMatchObject({ action: 'retry' });
    expect(retryPolicy('cni', 1, 'something odd')).toMatchObject({ action: 'retry' });
    expect(retryPolicy('init', 1, 'something odd')).toMatchObject({ action: 'fail', reason: expect.stringContaining('kubeadm reset') });
    expect(retryPolicy('join', 1, 'something odd')).toMatchObject({ action: 'fail' });
  });

  it('has nothing to retry after a success', () => {
    expect(retryPolicy('init', 0, fixture('init-success-ha-v1.31.txt'))).toMatchObject({ action: 'fail', reason: expect.stringContaining('succeeded') });
  });
});
