/**
 * The practice rack (issue 5): virtual bare-metal nodes in QEMU that PXE boot from Rackpilot as
 * real servers do. Each one enters the inventory as a normal node by its MAC; its power is the
 * `qemu` power driver. Definitions persist; processes do not outlive the app: it stops them on
 * close, and on start it ends any a crash left behind and marks them stopped.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { VirtualNode, VlabConfigureInput, VlabConsoleTail, VlabCreateInput, VlabStatus } from '../../../shared/domain/vlab';
import { ErrorCode, fieldError, RackpilotError } from '../../../shared/errors';
import type { StaticInterface } from '../boot/profiles/render';
import type { AuditLog } from '../events/audit';
import type { EventBus } from '../events/bus';
import type { Logger } from '../log';
import type { NodesService } from '../nodes/nodes-service';
import type { Db } from '../store/database';
import type { NodesRepo } from '../store/nodes-repo';
import type { SettingsRepo } from '../store/settings-repo';
import type { BootControl } from './bridged-boot';
import { BridgedNetwork } from './bridged-network';
import { readConsoleTail, DEFAULT_CONSOLE_CAP } from './console-log';
import { createDisk } from './disk';
import { checkHost, chooseAccelerator, defaultPaths, installHint, missingMessage, qemuVersion, type AcceleratorChoice, type VlabPaths } from './host-tools';
import { nextNames, nextPeerAddress, peerInterface, randomMac } from './identity';
import { routerLeaseRecorder, watchBridgedLeases } from './lease-watch';
import { bootReachability, chooseNetwork, freeLoopbackPort, peerGroup, type BootEndpoint } from './lab-network';
import { endStaleVm } from './stale-process';
import { VirtualNodesRepo } from './virtual-nodes-repo';
import { ensureVmDir, removeVmFiles, vmPaths } from './vm-paths';
import { VmRecords } from './vm-records';
import { qemuMissing, VmRunner } from './vm-runner';

export interface VlabOptions {
  /** Where QEMU, qemu-img, OVMF and the NIC ROMs are (defaults: PATH and Debian's locations). */
  paths?: Partial<VlabPaths>;
  accelerator?: AcceleratorChoice;
  /** How long a graceful stop waits for the guest OS before pulling the plug (default 30 s). */
  gracefulStopMs?: number;
  /** Console bytes kept per file (one rotated file more); default 1 MiB. */
  consoleCapBytes?: number;
  startTimeoutMs?: number;
}

export interface VlabDeps {
  dataDir: string;
  db: Db;
  nodes: NodesService;
  nodesRepo: NodesRepo;
  settings: SettingsRepo;
  bus: EventBus;
  audit: AuditLog;
  log: Logger;
  bootEndpoint: () => Promise<BootEndpoint>;
  /** The boot services, which bridged mode points at its lab while bridged nodes run. */
  boot?: BootControl;
  options?: VlabOptions;
}

const ACTIVE = new Set(['starting', 'running', 'stopping']);

export class VlabService {
  private readonly records: VmRecords;
  private readonly runner: VmRunner;
  private readonly paths: VlabPaths;
  private readonly accelerator: AcceleratorChoice;
  private readonly bridged: BridgedNetwork;
  private readonly stopWatching: () => void;

  constructor(private readonly deps: VlabDeps) {
    const o = deps.options ?? {};
    this.paths = defaultPaths(o.paths);
    this.accelerator = o.accelerator ?? 'auto';
    this.records = new VmRecords(new VirtualNodesRepo(deps.db), deps.bus, deps.audit);
    this.bridged = new BridgedNetwork({
      dataDir: deps.dataDir,
      boot: deps.boot,
      settings: deps.settings,
      log: deps.log,
      onRouterLease: routerLeaseRecorder({ ...deps, records: this.records }),
    });
    this.runner = new VmRunner(this.records, {
      dataDir: deps.dataDir,
      paths: this.paths,
      accelerator: this.accelerator,
      gracefulStopMs: o.gracefulStopMs ?? 30_000,
      consoleCapBytes: o.consoleCapBytes ?? DEFAULT_CONSOLE_CAP,
      startTimeoutMs: o.startTimeoutMs ?? 20_000,
      bootEndpoint: deps.bootEndpoint,
      peerGroup: () => peerGroup(deps.settings),
      onSshPortMoved: (vm, port) => this.moveSshPort(vm, port),
      bridged: this.bridged,
      log: deps.log,
    });
    this.reconcile();
    this.stopWatching = watchBridgedLeases({ ...deps, records: this.records });
  }

  async status(): Promise<VlabStatus> {
    const host = checkHost(this.paths);
    const network = chooseNetwork(this.bridged.unavailable());
    return {
      available: host.available,
      missing: host.missing,
      install: installHint(host.missing),
      message: missingMessage(host.missing),
      qemuVersion: host.available ? qemuVersion(this.paths.qemu) : null,
      firmwares: host.firmwares,
      accelerator: chooseAccelerator(this.accelerator),
      network: { ...network, ...bootReachability(await this.deps.bootEndpoint()), bridged: this.bridged.status() },
      nodes: this.records.list(),
    };
  }

  /** Lab-wide settings: the bridged lab's shape (refused while bridged nodes run). */
  async configure(input: VlabConfigureInput): Promise<VlabStatus> {
    await this.bridged.configure(input.router);
    return this.status();
  }

  list(): VirtualNode[] {
    return this.records.list();
  }

  get(id: string): VirtualNode {
    return this.records.get(id);
  }

  /** The virtual node behind an inventory node, if it is one (the qemu power driver asks). */
  forNode(nodeId: string, mac: string): VirtualNode | undefined {
    return this.records.forNode(nodeId, mac);
  }

  /**
   * The inventory node's NICs besides the PXE one, for its cloud-init network-config: a rootless
   * node's peer link with the address Rackpilot gave it. The boot HTTP server asks per seed.
   */
  extraInterfaces(nodeId: string): StaticInterface[] {
    const vm = this.records.list().find((v) => v.nodeId === nodeId);
    return vm?.peer ? [peerInterface(vm.peer)] : [];
  }

  isRunning(id: string): boolean {
    return this.runner.isRunning(id);
  }

  /** Stopped VMs with empty disks, each with its inventory node (same MAC, SSH via the forwarded port). */
  async create(input: VlabCreateInput): Promise<VirtualNode[]> {
    const bridged = input.network === 'bridged';
    if (input.router && !bridged) throw fieldError(ErrorCode.Validation, ['router'], 'The lab shape (router) applies to bridged nodes only; rootless nodes get their addresses from QEMU.');
    const host = checkHost(this.paths);
    if (!host.available || !host.firmwares[input.firmware]) throw qemuMissing(host.missing, { name: 'A new node', firmware: input.firmware });
    if (bridged) this.bridged.assertAvailable('A bridged node');
    if (input.router) await this.bridged.configure(input.router);
    const { nodesRepo } = this.deps;
    const vms = this.records.list();
    const names = nextNames(input.namePrefix, input.count, (n) => !!nodesRepo.findByName(n) || vms.some((v) => v.name.toLowerCase() === n.toLowerCase()));
    const usedMacs = new Set(vms.flatMap((v) => [v.mac, ...(v.peer ? [v.peer.mac] : [])]));
    const usedPeers = new Set(vms.flatMap((v) => (v.peer ? [v.peer.address] : [])));
    const takenMac = (m: string) => usedMacs.has(m) || !!nodesRepo.findByMac(m);
    const usedPorts = new Set(vms.flatMap((v) => (v.sshPort === null ? [] : [v.sshPort])));
    const created: VirtualNode[] = [];
    for (const name of names) {
      if (bridged) {
        // One wire for all: no forwarded port, no second NIC; SSH goes to the leased address.
        const mac = randomMac(takenMac);
        usedMacs.add(mac);
        created.push(await this.createOne({ ...input, name, mac, sshPort: null, peer: null }));
        continue;
      }
      let sshPort = await freeLoopbackPort();
      while (usedPorts.has(sshPort)) sshPort = await freeLoopbackPort();
      usedPorts.add(sshPort);
      const mac = randomMac(takenMac);
      usedMacs.add(mac);
      const peerMac = randomMac(takenMac);
      usedMacs.add(peerMac);
      const peerAddress = nextPeerAddress(usedPeers);
      usedPeers.add(peerAddress);
      created.push(await this.createOne({ ...input, name, mac, sshPort, peer: { mac: peerMac, address: peerAddress } }));
    }
    return created;
  }

  start(id: string): Promise<VirtualNode> {
    return this.runner.start(id);
  }

  stop(id: string, force: boolean): Promise<VirtualNode> {
    return this.runner.stop(id, force);
  }

  reset(id: string): Promise<VirtualNode> {
    return this.runner.reset(id);
  }

  /** Ends the VM (hard) and deletes its disk and console; the inventory node only on request. */
  async destroy(id: string, confirm: boolean, removeNode: boolean): Promise<{ id: string; nodeRemoved: boolean }> {
    const vm = this.records.get(id);
    if (!confirm) {
      throw new RackpilotError(ErrorCode.ConfirmationRequired, `Destroying ${vm.name} deletes its disk and console log. Confirm to go ahead.`, {
        issues: [{ path: ['confirm'], message: 'Confirm to destroy this virtual node' }],
      });
    }
    // In the VM's queue, so a start requested meanwhile cannot leave a QEMU without a record.
    const current = await this.runner.retire(id, () => {
      removeVmFiles(vmPaths(this.deps.dataDir, id));
      const last = this.records.get(id);
      this.records.remove(id);
      return last;
    });
    this.records.timeline(current, 'vlab.destroyed', `Destroyed the virtual machine ${vm.name} and its disk${removeNode ? '' : '; the inventory node stays'}`, 'user');
    let nodeRemoved = false;
    if (removeNode && current.nodeId && this.deps.nodesRepo.get(current.nodeId)) {
      this.deps.nodes.remove(current.nodeId);
      nodeRemoved = true;
    }
    return { id, nodeRemoved };
  }

  console(id: string, tailBytes: number): VlabConsoleTail {
    this.records.get(id);
    return { id, ...readConsoleTail(vmPaths(this.deps.dataDir, id).dir, tailBytes) };
  }

  /** App close: every VM is switched off (QMP quit, then signals) before the store closes. */
  async close(): Promise<void> {
    this.stopWatching();
    await this.runner.closeAll();
  }

  private async createOne(spec: VlabCreateInput & { name: string; mac: string; sshPort: number | null; peer: { mac: string; address: string } | null }): Promise<VirtualNode> {
    const id = randomUUID();
    const { sshPort } = spec;
    const paths = vmPaths(this.deps.dataDir, id);
    ensureVmDir(paths);
    try {
      await createDisk(this.paths.qemuImg, paths.disk, spec.diskGb);
    } catch (err) {
      removeVmFiles(paths);
      throw err;
    }
    const what = `Virtual node of the practice rack (QEMU, ${spec.firmware}, ${spec.memoryMb} MiB, ${spec.cpus} CPU, ${spec.diskGb} GiB disk)`;
    const reach =
      sshPort === null
        ? { address: '', sshPort: 22, notes: `${what} on the bridged lab network. SSH reaches it at the address it gets there, from Rackpilot's DHCP or the lab's home router (recorded here when the lease is seen).` }
        : { address: '127.0.0.1', sshPort, notes: `${what}. SSH reaches it through 127.0.0.1:${sshPort}.` };
    const node = this.deps.nodes.create({
      name: spec.name,
      mac: spec.mac,
      sshUser: this.deps.settings.get().defaultSshUser,
      role: 'unassigned',
      tags: ['virtual'],
      ...reach,
    });
    const now = new Date().toISOString();
    const vm: VirtualNode = {
      id,
      name: spec.name,
      mac: spec.mac,
      nodeId: node.id,
      firmware: spec.firmware,
      memoryMb: spec.memoryMb,
      cpus: spec.cpus,
      diskGb: spec.diskGb,
      network: spec.network,
      sshPort,
      peer: spec.peer,
      state: 'stopped',
      lastError: null,
      pid: null,
      accelerator: null,
      startedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      this.records.insert(vm);
    } catch (err) {
      this.deps.nodes.remove(node.id);
      removeVmFiles(paths);
      throw err;
    }
    this.records.timeline(vm, 'vlab.created', `Created virtual node ${vm.name} (${vm.firmware}, ${vm.memoryMb} MiB, ${vm.cpus} CPU, ${vm.diskGb} GiB disk, MAC ${vm.mac})`, 'user');
    return vm;
  }

  private moveSshPort(vm: VirtualNode, port: number): void {
    const node = vm.nodeId ? this.deps.nodesRepo.get(vm.nodeId) : undefined;
    if (node && node.address === '127.0.0.1' && node.sshPort === vm.sshPort) this.deps.nodes.update(node.id, { sshPort: port });
    this.records.timeline(vm, 'vlab.ssh-port', `Port ${vm.sshPort} was taken; SSH to ${vm.name} now goes through 127.0.0.1:${port}`);
  }

  /** Start-up: a VM recorded as running has no process of ours any more. */
  private reconcile(): void {
    for (const vm of this.records.list()) {
      if (!ACTIVE.has(vm.state)) continue;
      const ended = vm.pid !== null && endStaleVm(vm.pid, vm.id);
      rmSync(vmPaths(this.deps.dataDir, vm.id).qmp, { force: true });
      const message = ended
        ? `Rackpilot stopped unexpectedly while ${vm.name} ran; its QEMU (pid ${vm.pid}) was ended at this start.`
        : `Rackpilot stopped while ${vm.name} ran; it is off now.`;
      const stopped = this.records.patch(vm.id, { state: 'stopped', pid: null, lastError: { code: 'E_INTERRUPTED', message } });
      this.records.timeline(stopped, 'vlab.interrupted', message);
      this.deps.log.warn(message);
    }
    // After the stale QEMUs are gone: their lab namespace, veth and boot takeover go too.
    void this.bridged.reconcile().catch((err: unknown) => this.deps.log.error('cleaning up the bridged lab network failed', { error: String(err) }));
  }
}
