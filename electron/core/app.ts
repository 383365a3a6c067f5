/**
 * Composition root: opens the store, builds the services and the dispatcher. Both faces (the
 * Electron main process and the headless server) call this and nothing else from the core.
 */
import { mkdirSync } from 'node:fs';
import type { SystemInfo } from '../../shared/contract';
import type { Settings } from '../../shared/domain/settings';
import { AssetCache } from './boot/assets/asset-cache';
import { BootService } from './boot/boot-service';
import { catalogHandlers } from './boot/catalog-handlers';
import { ProfilesService } from './boot/profiles/profiles-service';
import { bootHandlers } from './boot/handlers';
import { createBootStarters } from './boot/starters';
import { AuditLog } from './events/audit';
import { EventBus } from './events/bus';
import { jobHandlers } from './jobs/handlers';
import { JobsService } from './jobs/jobs-service';
import { createLogger, type Logger } from './log';
import { BootInventory } from './nodes/boot-inventory';
import { nodeHandlers } from './nodes/handlers';
import { InstallWatchdog, type InstallWatchdogDeps } from './nodes/install-watchdog';
import { NodesService } from './nodes/nodes-service';
import { Dispatcher } from './rpc/dispatcher';
import type { Handlers } from './rpc/handlers';
import { openStore, type Db } from './store/database';
import { EventsRepo } from './store/events-repo';
import { JobsRepo } from './store/jobs-repo';
import { lockDataDir } from './store/lock';
import { NodesRepo } from './store/nodes-repo';
import { SettingsRepo } from './store/settings-repo';
import { FactsRepo } from './store/facts-repo';
import { commandHandlers } from './ssh/command-handlers';
import { factsOnFirstContact } from './ssh/first-contact';
import { sshHandlers } from './ssh/handlers';
import type { SecretBox } from './ssh/secret-box';
import { recipeHandlers } from './recipes/handlers';
import { clusterHandlers } from './kube/handlers';
import { ClustersService } from './kube/clusters-service';
import { rebootNode } from './kube/rebuild/reboot';
import { stackHandlers } from './stacks/handlers';
import { StacksService } from './stacks/stacks-service';
import { terminalHandlers } from './terminal/handlers';
import { createSshService, type SshService } from './ssh/ssh-service';
import { vlabHandlers } from './vlab/handlers';
import type { VlabOptions, VlabService } from './vlab/vlab-service';
import { bootEndpointOf, createVlab } from './vlab/wiring';
import { LabImage } from './vlab/lab-image';
import { labImageHandlers } from './vlab/lab-image-handlers';
import { labHandlers } from './labs/handlers';
import type { LabsService } from './labs/labs-service';
import { createLabs } from './labs/wiring';

export interface AppOptions {
  dataDir: string;
  shell: 'electron' | 'headless';
  version: string;
  log?: Logger;
  /** The app's bundled assets folder (iPXE binaries, lab content), when it has one. */
  assetsDir?: string;
  /** better-sqlite3 addon built for this runtime (Electron), when not the default Node build. */
  sqliteBinding?: string;
  /** Seals Rackpilot's SSH private key at rest (Electron: safeStorage). Default: the 0600 file. */
  secretBox?: SecretBox;
  /** Encrypts Rackpilot's SSH key file itself (headless: RACKPILOT_KEY_PASSPHRASE). */
  keyPassphrase?: string;
  /** Practice rack: QEMU paths, accelerator, stop grace (tests point QEMU elsewhere). */
  vlab?: VlabOptions;
  /** Where the built lab OS image is (default: $RACKPILOT_CACHE_DIR or /var/cache/rackpilot, lab-image/current). */
  labImageDir?: string;
  /** Default target of "merge into kubeconfig" (default ~/.kube/config; tests use a temp file). */
  kubeconfigPath?: string;
  /** Install timeout: the watchdog's round and clock (tests move the clock instead of waiting). */
  installWatchdog?: Pick<InstallWatchdogDeps, 'intervalMs' | 'now'>;
  /** The built-in labs (default `<assetsDir>/labs`, or the repository's assets/labs). */
  labsDir?: string;
  /** The learner's own labs (default `<dataDir>/user-labs`). */
  userLabsDir?: string;
}

export interface App {
  dispatcher: Dispatcher;
  dataDir: string;
  info: SystemInfo;
  /** The services, for tests and for faces that need more than the API (none today). */
  services: { nodes: NodesService; jobs: JobsService; audit: AuditLog; bus: EventBus; bootInventory: BootInventory; installWatchdog: InstallWatchdog; boot: BootService; ssh: SshService; vlab: VlabService; stacks: StacksService; clusters: ClustersService; labs: LabsService; db: Db };
  close(): Promise<void>;
}

/** Throws RackpilotError (E_STORE_CORRUPT, E_STORE_NEWER_SCHEMA, E_DATA_DIR_LOCKED) when it cannot start. */
export function createApp(options: AppOptions): App {
  const log = options.log ?? createLogger();
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const lock = lockDataDir(options.dataDir);
  let store;
  try {
    store = openStore(options.dataDir, options.sqliteBinding ? { nativeBinding: options.sqliteBinding } : {});
  } catch (err) {
    lock.release();
    throw err;
  }
  const { db } = store;
  if (store.backupPath) log.info('database upgraded; the previous version was saved', { path: store.backupPath });

  const bus = new EventBus();
  const audit = new AuditLog(new EventsRepo(db), bus);
  const settings = new SettingsRepo(db);
  const jobs = new JobsService(new JobsRepo(db), bus, audit, log);
  const nodesRepo = new NodesRepo(db);
  const nodes = new NodesService(db, nodesRepo, bus, audit);
  const bootInventory = new BootInventory(db, nodesRepo, bus, audit, options.installWatchdog?.now);
  // Rackpilot's own key pair (created on first start): cloud-init installs its public key.
  const facts = new FactsRepo(db);
  const firstContact = factsOnFirstContact({ nodes, jobs, facts, log, ssh: () => ssh });
  const ssh: SshService = createSshService({
    dataDir: options.dataDir,
    log,
    ...(options.secretBox ? { box: options.secretBox } : {}),
    ...(options.keyPassphrase ? { passphrase: options.keyPassphrase } : {}),
    // The user's agent keys are offered after Rackpilot's own, as OpenSSH offers agent keys.
    ...(settings.get().useSshAgent && process.env.SSH_AUTH_SOCK ? { agent: process.env.SSH_AUTH_SOCK } : {}),
    onStatus: (status) => {
      bus.publish('ssh.status', status);
      firstContact(status);
    },
  });
  const assets = new AssetCache({ dataDir: options.dataDir, jobs });
  const profiles = new ProfilesService(db, audit, (id) => assets.urlPath(id), (change) =>
    bus.publish('profiles.changed', 'removed' in change ? { op: 'remove', id: change.id } : { op: 'upsert', profile: change }),
  );
  const assetsDir = options.assetsDir ?? null;
  const starters = createBootStarters({
    inventory: bootInventory,
    db,
    log,
    assetsDir,
    profiles,
    assets,
    adminPublicKeys: () => (ssh.publicKey ? [ssh.publicKey.authorizedKey] : []),
    // Called per boot script and seed request, long after `vlab` below exists.
    extraInterfaces: (nodeId) => vlab.extraInterfaces(nodeId),
  });
  const boot = new BootService(settings, starters, bus, log);
  const { vlab, power } = createVlab({ dataDir: options.dataDir, db, nodes, nodesRepo, settings, bus, audit, log, bootEndpoint: bootEndpointOf(boot), boot, ...(options.vlab ? { options: options.vlab } : {}) });
  const interrupted = jobs.recoverInterrupted();
  if (interrupted.length) log.warn(`${interrupted.length} job(s) were running when Rackpilot last stopped; marked interrupted`);
  const installWatchdog = new InstallWatchdog({
    inventory: bootInventory,
    timeline: (nodeId, limit) => audit.list({ subjectId: nodeId, limit }),
    timeoutMinutes: () => settings.get().installTimeoutMinutes,
    log,
    // A practice-rack node's serial console is the best clue to why its install hung.
    consoleTail: async (nodeId, maxBytes) => {
      const vm = vlab.list().find((v) => v.nodeId === nodeId);
      return vm ? vlab.console(vm.id, maxBytes) : null;
    },
    ...options.installWatchdog,
  });
  installWatchdog.start();
  const stacks = new StacksService({ dataDir: options.dataDir, nodes, ssh, jobs, audit, bus, log });
  const clusters = new ClustersService({
    dataDir: options.dataDir,
    nodes,
    ssh,
    jobs,
    audit,
    bus,
    log,
    ...(options.kubeconfigPath ? { defaultKubeconfigPath: options.kubeconfigPath } : {}),
    rebuild: {
      requestInstall: (nodeId, profileId) => bootInventory.requestInstall(nodeId, profileId),
      reboot: rebootNode(power, ssh),
      installTimeoutMs: () => settings.get().installTimeoutMinutes * 60_000,
      storedStacks: (nodeId) => stacks.store.list(nodeId),
      applyStack: async (nodeId, name) => jobs.settled(stacks.apply({ nodeId, name, version: 'current' }).id),
    },
  });

  const { labs, close: closeLabs } = createLabs({
    dataDir: options.dataDir,
    assetsDir,
    ...(options.labsDir ? { labsDir: options.labsDir } : {}),
    ...(options.userLabsDir ? { userLabsDir: options.userLabsDir } : {}),
    nodes,
    ssh,
    jobs,
    audit,
    bus,
    log,
    settings,
    boot,
    bootInventory,
    profiles,
    vlab,
    power,
    clusters,
  });

  const info: SystemInfo = {
    product: 'Rackpilot',
    version: options.version,
    schemaVersion: store.schemaVersion,
    dataDir: options.dataDir,
    startedAt: new Date().toISOString(),
    shell: options.shell,
  };

  const handlers: Handlers = {
    'system.info': () => info,
    'settings.get': () => settings.get(),
    'settings.update': (changes) => {
      const next = settings.set(changes as Partial<Settings>);
      audit.record({ actor: 'user', kind: 'settings.updated', summary: `Changed settings: ${Object.keys(changes).join(', ')}` });
      return next;
    },
    ...nodeHandlers(nodes, jobs, settings),
    ...sshHandlers({ nodes, jobs, ssh, facts, settings, dataDir: options.dataDir }),
    ...commandHandlers({ nodes, jobs, ssh }),
    ...recipeHandlers({ nodes, jobs, ssh, bus }),
    ...terminalHandlers({ nodes, ssh }),
    ...jobHandlers(jobs, audit),
    ...bootHandlers(boot, bootInventory, nodes, (id) => profiles.list().some((p) => p.id === id)),
    ...catalogHandlers(profiles, assets),
    ...vlabHandlers(vlab, power),
    ...labImageHandlers(new LabImage(assets, options.labImageDir)),
    ...stackHandlers(stacks),
    ...clusterHandlers(clusters),
    ...labHandlers(labs),
  };

  let closed = false;
  return {
    dispatcher: new Dispatcher(handlers, bus, log),
    dataDir: options.dataDir,
    info,
    services: { nodes, jobs, audit, bus, bootInventory, installWatchdog, boot, ssh, vlab, stacks, clusters, labs, db },
    async close() {
      if (closed) return;
      closed = true;
      await installWatchdog.close();
      // Jobs first, while SSH still works: their remote processes are stopped and they are
      // recorded as interrupted (not failed because the connection went away under them).
      await jobs.shutdown();
      await vlab.close();
      await boot.close();
      stacks.close();
      closeLabs();
      await ssh.close();
      db.close();
      lock.release();
    },
  };
}
