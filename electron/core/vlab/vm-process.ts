/**
 * One running QEMU: spawned with its serial console on our stdout pipe (written to a bounded log),
 * controlled over QMP. Stopping escalates — ACPI power button (graceful only), QMP quit,
 * SIGTERM, SIGKILL — so no QEMU outlives the request, whatever state its guest is in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { RackpilotError } from '../../../shared/errors';
import { VlabErrorCode } from '../../../shared/domain/vlab';
import { ConsoleLog } from './console-log';
import { connectQmp, type QmpClient } from './qmp-client';
import type { QmpEvent } from './qmp-framing';

export interface VmLaunch {
  qemu: string;
  args: string[];
  qmpPath: string;
  /** The VM's folder: the console log lives here. */
  dir: string;
  consoleCapBytes?: number;
  /** How long QEMU may take to open its QMP socket (TCG on a busy machine is slow to start). */
  startTimeoutMs?: number;
}

export interface VmExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The guest powered itself off (QMP SHUTDOWN with guest: true). */
  guestShutdown: boolean;
  /** Rackpilot asked it to stop. */
  requested: boolean;
  /** The end of QEMU's stderr: its own words on why it failed. */
  stderr: string;
}

const STDERR_KEEP = 4096;

export class VmProcess {
  readonly exited: Promise<VmExit>;
  private qmp: QmpClient | null = null;
  private requested = false;
  private guestShutdown = false;
  private stderr = '';
  private exitInfo: VmExit | null = null;
  private readonly listeners = new Set<(e: QmpEvent) => void>();
  private readonly consoleListeners = new Set<(chunk: Buffer) => void>();

  private constructor(
    private readonly child: ChildProcess,
    consoleLog: ConsoleLog,
  ) {
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-STDERR_KEEP)));
    child.stdout?.on('data', (d: Buffer) => {
      consoleLog.write(d);
      for (const l of this.consoleListeners) l(d);
    });
    // 'close' comes after the pipes drained: the console log has the guest's last words.
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        consoleLog.close();
        this.exitInfo = { code, signal, guestShutdown: this.guestShutdown, requested: this.requested, stderr: this.stderr.trim() };
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitInfo === null;
  }

  /** Starts QEMU and resolves once QMP answers; on any failure nothing is left running. */
  static async launch(l: VmLaunch): Promise<VmProcess> {
    rmSync(l.qmpPath, { force: true });
    const consoleLog = new ConsoleLog(l.dir, l.consoleCapBytes);
    consoleLog.write(`\r\n=== Rackpilot: QEMU started ${new Date().toISOString()} ===\r\n`);
    const child = spawn(l.qemu, l.args, { cwd: l.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const spawned = await new Promise<Error | null>((resolve) => {
      child.once('spawn', () => resolve(null));
      child.once('error', (err) => resolve(err));
    });
    if (spawned) {
      consoleLog.close();
      throw new RackpilotError(VlabErrorCode.QemuFailed, `Could not run ${l.qemu}: ${spawned.message}.`);
    }
    const vm = new VmProcess(child, consoleLog);
    try {
      vm.qmp = await vm.attachQmp(l.qmpPath, l.startTimeoutMs ?? 20_000);
    } catch (err) {
      await vm.terminate();
      const exit = await vm.exited;
      const why = exit.stderr || (err instanceof Error ? err.message : String(err));
      throw new RackpilotError(VlabErrorCode.QemuFailed, `QEMU did not start: ${why}`, { stderr: exit.stderr, code: exit.code });
    }
    vm.qmp.onEvent((e) => {
      if (e.event === 'SHUTDOWN' && e.data.guest === true) vm.guestShutdown = true;
      for (const l of vm.listeners) l(e);
    });
    return vm;
  }

  /** The serial console's output as it arrives (it is also in the console log). */
  onConsole(listener: (chunk: Buffer) => void): () => void {
    this.consoleListeners.add(listener);
    return () => this.consoleListeners.delete(listener);
  }

  onEvent(listener: (e: QmpEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    if (!this.qmp) throw new Error('QMP is not connected');
    return this.qmp.execute(command, args);
  }

  /**
   * Graceful: press the power button and give the OS `graceMs` to shut down; then the plug.
   * Firmware and iPXE ignore the button, so a node still network-booting waits the full grace.
   */
  async shutdown(graceMs: number): Promise<VmExit> {
    this.requested = true;
    if (this.exitInfo) return this.exitInfo;
    if (graceMs > 0) {
      try {
        await this.execute('system_powerdown');
        if (await this.exitWithin(graceMs)) return this.exited;
      } catch {
        // QMP gone or refused: fall through to the plug.
      }
    }
    return this.terminate();
  }

  /** Hard stop: QMP quit, then SIGTERM, then SIGKILL. */
  async terminate(): Promise<VmExit> {
    this.requested = true;
    if (this.exitInfo) return this.exitInfo;
    try {
      await this.qmp?.execute('quit', undefined, 2000);
    } catch {
      // fall through to signals
    }
    if (await this.exitWithin(3000)) return this.exited;
    this.child.kill('SIGTERM');
    if (await this.exitWithin(3000)) return this.exited;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  private async attachQmp(path: string, timeoutMs: number): Promise<QmpClient> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown = null;
    while (Date.now() < deadline) {
      if (this.exitInfo) throw new Error(`QEMU exited (code ${this.exitInfo.code})`);
      if (existsSync(path)) {
        try {
          return await connectQmp(path, Math.max(1000, deadline - Date.now()));
        } catch (err) {
          lastError = err;
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`QMP socket did not answer within ${timeoutMs} ms${lastError instanceof Error ? ` (${lastError.message})` : ''}`);
  }

  private exitWithin(ms: number): Promise<boolean> {
    if (this.exitInfo) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void this.exited.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
