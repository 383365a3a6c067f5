import { describe, expect, it } from 'vitest';
import { checkSudo } from './access';
import { checkArch, checkCpus, checkHostname, checkMemory, checkOs, checkSwap } from './node-checks';
import { checkPortsFree } from './ports';
import { facts, pnode } from './test-facts';
import { checkTimeSync, clockOffset, minimumSkew, parseClock } from './time-sync';

const cp = pnode('cp-1');
const worker = pnode('worker-1', 'worker');

describe('CPU and memory (kubeadm thresholds)', () => {
  it('fails a control plane with 1 CPU, warns a worker with 1', () => {
    const one = facts({ cpus: 1 });
    expect(checkCpus(cp, one)).toMatchObject({ id: 'cpus', status: 'fail', message: expect.stringMatching(/1 CPU.*NumCPU/) });
    expect(checkCpus(cp, one).fix).toMatch(/at least 2 CPUs/);
    expect(checkCpus(worker, one).status).toBe('warn');
    expect(checkCpus(cp, facts({ cpus: 2 })).status).toBe('pass');
  });

  it('fails a control plane under kubeadm\'s 1700 MB, warns below 2 GiB, passes a 2 GiB VM', () => {
    expect(checkMemory(cp, facts({ memTotalKiB: 1699 * 1024 }))).toMatchObject({ status: 'fail', message: expect.stringMatching(/1699 MB.*1700 MB.*ERROR Mem/) });
    expect(checkMemory(cp, facts({ memTotalKiB: 1750 * 1024 })).status).toBe('warn');
    expect(checkMemory(worker, facts({ memTotalKiB: 900 * 1024 }))).toMatchObject({ status: 'warn', message: expect.stringMatching(/900 MiB/) });
    // What a 2 GiB Debian VM reports in MemTotal.
    expect(checkMemory(cp, facts({ memTotalKiB: 2014520 }))).toMatchObject({ status: 'pass', message: '1.9 GiB of RAM', fix: null });
  });
});

describe('OS and architecture', () => {
  it('passes the supported releases, warns others, fails without apt', () => {
    expect(checkOs(cp, facts()).status).toBe('pass');
    const ubuntu = (versionId: string) => facts({ os: { id: 'ubuntu', idLike: ['debian'], versionId, prettyName: `Ubuntu ${versionId}` } });
    expect(checkOs(cp, ubuntu('24.04')).status).toBe('pass');
    expect(checkOs(cp, ubuntu('20.04'))).toMatchObject({ status: 'warn', message: expect.stringMatching(/Ubuntu 20\.04/) });
    expect(checkOs(cp, facts({ tools: {} }))).toMatchObject({ status: 'fail', fix: expect.stringMatching(/apt/) });
  });

  it('maps uname -m to Kubernetes architectures and fails the rest', () => {
    expect(checkArch(cp, facts({ machine: 'aarch64' }))).toMatchObject({ status: 'pass', message: 'arm64 (aarch64)' });
    expect(checkArch(cp, facts({ machine: 'armv7l' }))).toMatchObject({ status: 'fail', message: 'armv7l is not supported' });
  });
});

describe('hostname', () => {
  it('warns when the hostname differs from the name Kubernetes will use, and shows the rename', () => {
    expect(checkHostname(cp, facts()).status).toBe('pass');
    const other = checkHostname(cp, facts({ hostname: 'debian' }));
    expect(other).toMatchObject({ status: 'warn', message: expect.stringMatching(/"debian".*"cp-1"/), fix: expect.stringContaining('sudo hostnamectl set-hostname cp-1') });
    expect(checkHostname(cp, facts({ hostname: 'CP_1' })).message).toMatch(/not a valid Kubernetes node name/);
  });
});

describe('swap', () => {
  it('warns (the bootstrap turns it off) and says how to do it by hand', () => {
    const on = checkSwap(cp, facts({ swaps: [{ name: '/swap.img', type: 'file', sizeKiB: 2097148 }], fstabSwap: ['/swap.img'] }));
    expect(on).toMatchObject({ id: 'swap', status: 'warn', message: expect.stringMatching(/Swap is on: \/swap\.img \(2\.0 GiB\).*Prerequisites step turns it off/) });
    expect(on.fix).toContain('sudo swapoff -a');
  });

  it('calls out zram, which comes back at boot', () => {
    const zram = checkSwap(cp, facts({ swaps: [{ name: '/dev/zram0', type: 'partition', sizeKiB: 1000000 }] }));
    expect(zram.message).toMatch(/zram that comes back at the next boot/);
    expect(zram.fix).toMatch(/purge/);
  });

  it('passes when off, noting an fstab line the bootstrap will comment out', () => {
    expect(checkSwap(cp, facts())).toMatchObject({ status: 'pass', message: 'Off' });
    expect(checkSwap(cp, facts({ fstabSwap: ['/swap.img'] })).message).toMatch(/fstab would turn on \/swap\.img/);
  });
});

describe('time sync', () => {
  const sample = (skewMs: number, rttMs = 20) => clockOffset({ sentMs: 1_000_000, receivedMs: 1_000_000 + rttMs, nodeMs: 1_000_000 + rttMs / 2 + skewMs });

  it('parses date +%s.%N and busybox\'s literal N', () => {
    expect(parseClock('1732438631.250000000\n')).toBe(1732438631250);
    expect(parseClock('1732438631.N')).toBe(1732438631000);
    expect(parseClock('date: invalid')).toBeNull();
  });

  it('takes the round trip off the skew', () => {
    expect(minimumSkew(clockOffset({ sentMs: 0, receivedMs: 4000, nodeMs: 5000 }))).toBeCloseTo(1);
  });

  it('fails beyond 30 s, warns beyond 2 s, whatever the node says about NTP', () => {
    const synced = facts({ ntpSynchronized: true });
    expect(checkTimeSync(cp, synced, sample(95_000))).toMatchObject({ status: 'fail', message: expect.stringMatching(/95 s ahead of this computer's clock/) });
    expect(checkTimeSync(cp, synced, sample(-5_000))).toMatchObject({ status: 'warn', message: expect.stringMatching(/5\.0 s behind/) });
    expect(checkTimeSync(cp, synced, sample(300)).status).toBe('pass');
  });

  it('warns when the clock is close but nothing keeps it so', () => {
    expect(checkTimeSync(cp, facts({ ntpSynchronized: false }), sample(0))).toMatchObject({ status: 'warn', message: expect.stringMatching(/not synchronized/) });
    const none = checkTimeSync(cp, facts({ ntpSynchronized: null, timeDaemons: [] }), sample(0));
    expect(none).toMatchObject({ status: 'warn', message: expect.stringMatching(/No time sync service/) });
    expect(none.fix).toMatch(/chrony/);
    expect(checkTimeSync(cp, facts({ ntpSynchronized: null, timeDaemons: ['chronyd'] }), sample(0)).status).toBe('pass');
  });
});

describe('ports free', () => {
  it('checks the control-plane ports and names the process holding one', () => {
    const f = facts({ listening: [{ address: '0.0.0.0', port: 6443, process: 'python3 (pid 77)' }, { address: '0.0.0.0', port: 22, process: null }] });
    const checks = checkPortsFree(cp, f);
    expect(checks.map((c) => c.id)).toEqual(['port-free:6443', 'port-free:2379', 'port-free:2380', 'port-free:10250', 'port-free:10257', 'port-free:10259']);
    expect(checks[0]).toMatchObject({ status: 'fail', message: 'Port 6443 is in use by python3 (pid 77) on 0.0.0.0:6443' });
    expect(checks[0]?.fix).toMatch(/Stop that program/);
    expect(checks.slice(1).every((c) => c.status === 'pass')).toBe(true);
  });

  it('says a Kubernetes leftover needs a reset, and checks only 10250 on workers', () => {
    const f = facts({ listening: [{ address: '127.0.0.1', port: 10257, process: 'kube-controller (pid 9)' }] });
    expect(checkPortsFree(cp, f).find((c) => c.id === 'port-free:10257')?.fix).toMatch(/kubeadm reset -f/);
    expect(checkPortsFree(worker, f).map((c) => c.id)).toEqual(['port-free:10250']);
    expect(checkPortsFree(worker, facts({ listening: null }))).toMatchObject([{ id: 'port-free', status: 'warn' }]);
  });
});

describe('sudo', () => {
  it('shows the sudoers line when sudo wants a password', () => {
    const c = checkSudo(cp, { kind: 'password', message: 'sudo asks for a password' });
    expect(c.status).toBe('fail');
    expect(c.fix).toContain('ops ALL=(ALL:ALL) NOPASSWD: ALL');
    expect(checkSudo(cp, { kind: 'root' }).status).toBe('pass');
  });
});
