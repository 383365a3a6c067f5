/**
 * Runs virtual nodes: start, stop, reset, and what happens when QEMU exits on its own. Holds the
 * live QEMU processes; operations on one VM run one at a time so a stop cannot overtake a start.
 * Every state change goes through VmRecords (stored, pushed as `vlab.changed`, on the timeline).
 */
import { existsSync, rmSync } from 'node:fs';
import { RackpilotError, ErrorCode } from '../../../shared/errors';
import { VlabErrorCode, type VirtualNode } from '../../../shared/domain/vlab';
import type { WireError } from '../../../shared/protocol';
import type { Logger } from '../log';
import { toWireError } from '../rpc/errors';
import { BootRetryWatch } from './boot-retry';
import { createDisk } from './disk';
import { checkHost, chooseAccelerator, installHint, missingMessage, type AcceleratorChoice, type VlabPaths } from './host-tools';
import { freeLoopbackPort, loopbackPortFree, rootlessBootUrl, type BootEndpoint } from './lab-network';
import { buildQemuArgs } from './qemu-args';
import type { BridgedAttachment } from './bridged-network';
import type { QmpEvent } from './qmp-framing';
import { ensureVmDir, vmPaths } from './vm-paths';
import { VmProcess, type VmExit } from './vm-process';
import type { VmRecords } from './vm-records';

export interface RunnerConfig {
  dataDir: string;
  paths: VlabPaths;
  accelerator: AcceleratorChoice;
  /** How long a graceful stop waits for the guest OS before pulling the plug. */
  gracefulStopMs: number;
  consoleCapBytes: number;
  startTimeoutMs: number;
  bootEndpoint: () => Promise<BootEndpoint>;
  peerGroup: () => string;
  /** Moves the inventory node's SSH port when the VM's forwarded port had to change. */
  onSshPortMoved: (vm: VirtualNode, port: number) => void;
  /** The bridged lab: a tap (and the lab itself for the first node) before QEMU, released after. */
  bridged: {
    attach(vmId: string, vmName: string): Promise<BridgedAttachment>;
    detach(vmId: string): Promise<void>;
  };
  log: Logger;
}

export class VmRunner {
  private readonly live = new Map<string, VmProcess>();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Bridged VMs whose QEMU runs: their tap is released when it exits. */
  private readonly onLab = new Set<string>();
  /** The release started when a bridged QEMU exited; stop and destroy wait for it. */
  private readonly releasing = new Map<string, Promise<void>>();

  constructor(
    private readonly records: VmRecords,
    private readonly config: RunnerConfig,
  ) {}

  isRunning(id: string): boolean {
    return this.live.has(id);
  }

  /** Power on. Resolves once QEMU answers on QMP; the firmware is then network-booting. */
  start(id: string): Promise<VirtualNode> {
    return this.serial(id, async () => {
      const vm = this.records.get(id);
      if (this.live.has(id)) return vm;
      try {
        return await this.launch(vm);
      } catch (err) {
        const lastError = toWireError(err, 'vlab.start', (cause) => this.config.log.error('virtual node start failed', { vm: vm.name, error: String(cause) }));
        const failed = this.records.patch(id, { state: 'failed', lastError, pid: null });
        this.records.timeline(failed, 'vlab.failed', `${vm.name} could not start: ${lastError.message}`);
        throw err;
      }
    });
  }

  /** Graceful: ACPI power button, the plug after the grace period. force: the plug at once. */
  stop(id: string, force: boolean): Promise<VirtualNode> {
    return this.serial(id, async () => {
      const vm = this.records.get(id);
      const proc = this.live.get(id);
      if (!proc) return vm.state === 'stopped' ? vm : this.records.patch(id, { state: 'stopped', pid: null });
      const stopping = this.records.patch(id, { state: 'stopping' });
      this.records.timeline(stopping, 'vlab.stopping', force ? `Powering off ${vm.name} (hard)` : `Shutting down ${vm.name} (ACPI power button)`, 'user');
      await (force ? proc.terminate() : proc.shutdown(this.config.gracefulStopMs));
      await this.released(id);
      return this.records.get(id);
    });
  }

  /** The reset button: the firmware starts over and network-boots first. */
  reset(id: string): Promise<VirtualNode> {
    return this.serial(id, async () => {
      const vm = this.records.get(id);
      const proc = this.live.get(id);
      if (!proc) throw new RackpilotError(ErrorCode.Conflict, `${vm.name} is ${vm.state}, so it cannot be reset. Start it instead.`);
      await proc.execute('system_reset');
      this.records.timeline(vm, 'vlab.reset', `Reset ${vm.name}`, 'user');
      return this.records.get(id);
    });
  }

  /** Ends the VM's process, whatever its guest does (app close). */
  kill(id: string): Promise<void> {
    return this.serial(id, async () => {
      await this.live.get(id)?.terminate();
      await this.released(id);
    });
  }

  /** Ends the VM's process, then runs `cleanup` (destroy) before any later operation on it. */
  retire<T>(id: string, cleanup: () => T): Promise<T> {
    return this.serial(id, async () => {
      await this.live.get(id)?.terminate();
      await this.released(id);
      return cleanup();
    });
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.live.keys()].map((id) => this.kill(id)));
  }

  private async launch(vm: VirtualNode): Promise<VirtualNode> {
    const { config } = this;
    const host = checkHost(config.paths);
    if (!host.firmwares[vm.firmware]) throw qemuMissing(host.missing, vm);
    const paths = vmPaths(config.dataDir, vm.id);
    ensureVmDir(paths);
    if (!existsSync(paths.disk)) {
      await createDisk(config.paths.qemuImg, paths.disk, vm.diskGb);
      this.records.timeline(vm, 'vlab.disk', `The disk of ${vm.name} was missing; created an empty ${vm.diskGb} GiB one`);
    }
    const accel = chooseAccelerator(config.accelerator);
    const common = { vm, accelerator: accel.kind, diskPath: paths.disk, qmpPath: paths.qmp, ovmfPath: config.paths.ovmf };
    let launch: { qemu: string; args: string[]; sshPort: number | null; how: string };
    // Before the network: bringing the bridged lab up (boot services included) takes a moment.
    this.records.patch(vm.id, { state: 'starting', lastError: null, pid: null, accelerator: accel.kind });
    if (vm.network === 'bridged') {
      const lab = await config.bridged.attach(vm.id, vm.name);
      this.onLab.add(vm.id);
      // `ip netns exec` execs QEMU in place: same pid, so QMP, signals and pgrep work as rootless.
      const args = ['netns', 'exec', lab.ns, config.paths.qemu, ...buildQemuArgs({ ...common, network: { mode: 'bridged', tap: lab.tap } })];
      launch = { qemu: lab.ipPath, args, sshPort: null, how: `on the bridged lab network (tap ${lab.tap} in ${lab.ns}); Rackpilot's boot services answer it` };
    } else {
      const sshPort = await this.sshPortFor(vm);
      const bootUrl = rootlessBootUrl((await config.bootEndpoint()).port);
      const network = { mode: 'rootless' as const, bootUrl, sshPort, peer: vm.peer ? { mac: vm.peer.mac, group: config.peerGroup() } : null };
      launch = { qemu: config.paths.qemu, args: buildQemuArgs({ ...common, network }), sshPort, how: `its DHCP points iPXE at ${bootUrl}` };
    }
    this.records.patch(vm.id, { sshPort: launch.sshPort });
    let proc: VmProcess;
    try {
      proc = await VmProcess.launch({ qemu: launch.qemu, args: launch.args, qmpPath: paths.qmp, dir: paths.dir, consoleCapBytes: config.consoleCapBytes, startTimeoutMs: config.startTimeoutMs });
    } catch (err) {
      if (this.onLab.delete(vm.id)) await config.bridged.detach(vm.id);
      throw err;
    }
    this.live.set(vm.id, proc);
    proc.onEvent((e) => this.onQmpEvent(vm.id, e));
    void proc.exited.then((exit) => this.onExit(vm.id, proc, exit, paths.qmp));
    const running = this.records.patch(vm.id, { state: 'running', pid: proc.pid, startedAt: new Date().toISOString() });
    this.records.timeline(running, 'vlab.started', `Powered on ${vm.name} (${accel.kind}, ${vm.firmware}); ${launch.how}`, 'user', { vmId: vm.id, accelerator: accel.kind, pid: proc.pid });
    if (vm.firmware === 'uefi') this.retryFailedBoots(running, proc);
    return running;
  }

  /** OVMF parks in its shell when every boot option failed; go round again, as a server would. */
  private retryFailedBoots(vm: VirtualNode, proc: VmProcess): void {
    const watch = new BootRetryWatch({
      maxRetries: UEFI_BOOT_RETRIES,
      onGaveUp: (attempt) => {
        this.records.timeline(vm, 'vlab.bootRetry', `${vm.name}'s firmware found nothing to boot; resetting it (retry ${attempt} of ${UEFI_BOOT_RETRIES})`, 'system', { vmId: vm.id, attempt });
        proc.execute('system_reset').catch(() => undefined);
      },
    });
    proc.onConsole((chunk) => watch.feed(chunk));
  }

  /** Waits for a bridged VM's tap (and, for the last one, the lab) to be released. */
  private async released(id: string): Promise<void> {
    await this.releasing.get(id);
  }

  /** The forwarded SSH port, kept across starts unless something else took it meanwhile. */
  private async sshPortFor(vm: VirtualNode): Promise<number> {
    if (vm.sshPort !== null && (await loopbackPortFree(vm.sshPort))) return vm.sshPort;
    const port = await freeLoopbackPort();
    if (vm.sshPort !== null) this.config.onSshPortMoved(vm, port);
    return port;
  }

  private onQmpEvent(id: string, e: QmpEvent): void {
    const vm = this.records.find(id);
    if (!vm) return;
    if (e.event === 'RESET' && e.data.guest === true) this.records.timeline(vm, 'vlab.reboot', `${vm.name} rebooted itself`);
    if (e.event === 'SHUTDOWN' && e.data.guest === true) this.records.timeline(vm, 'vlab.poweroff', `${vm.name} powered itself off`);
    if (e.event === 'GUEST_PANICKED') this.records.timeline(vm, 'vlab.panic', `${vm.name}: the guest OS panicked`);
  }

  private onExit(id: string, proc: VmProcess, exit: VmExit, qmpPath: string): void {
    if (this.live.get(id) === proc) this.live.delete(id);
    rmSync(qmpPath, { force: true });
    if (this.onLab.delete(id)) {
      const release = this.config.bridged.detach(id).catch((err: unknown) => this.config.log.error('releasing the bridged lab failed', { vm: id, error: String(err) }));
      this.releasing.set(id, release);
      void release.then(() => {
        if (this.releasing.get(id) === release) this.releasing.delete(id);
      });
    }
    const vm = this.records.find(id);
    if (!vm) return; // destroyed
    if (exit.requested || exit.guestShutdown) {
      const stopped = this.records.patch(id, { state: 'stopped', pid: null });
      if (exit.requested) this.records.timeline(stopped, 'vlab.stopped', `${vm.name} is off`);
      return;
    }
    const lastError: WireError = {
      code: VlabErrorCode.QemuFailed,
      message: `QEMU of ${vm.name} exited unexpectedly (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`})${exit.stderr ? `: ${exit.stderr.split('\n').slice(-3).join(' ')}` : ''}`,
    };
    const failed = this.records.patch(id, { state: 'failed', pid: null, lastError });
    this.records.timeline(failed, 'vlab.failed', lastError.message);
  }

  private serial<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return next;
  }
}

/** Resets of a UEFI node whose firmware found nothing to boot, before it is left in its shell. */
const UEFI_BOOT_RETRIES = 10;

export function qemuMissing(missing: ReturnType<typeof checkHost>['missing'], vm?: Pick<VirtualNode, 'name' | 'firmware'>): RackpilotError {
  // OVMF matters only to UEFI nodes: a BIOS node's error names only what it needs.
  const relevant = vm?.firmware === 'bios' ? missing.filter((m) => m.package !== 'ovmf') : missing;
  const what = vm ? `${vm.name} (${vm.firmware}) cannot start. ` : '';
  return new RackpilotError(VlabErrorCode.QemuMissing, `${what}${missingMessage(relevant) ?? 'QEMU is missing.'}`, { missing: relevant, install: installHint(relevant) });
}
