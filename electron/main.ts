/**
 * Electron entry: one window over the core, and nothing else (DESIGN §1). The core runs in
 * this process; the renderer reaches it only through the preload bridge and the IPC transport.
 * Security settings live in ipc/security.ts as plain values (unit-tested there).
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  session,
  shell,
  type IpcMainEvent,
  type MenuItemConstructorOptions,
  type WebContents,
} from 'electron';
import { join } from 'node:path';
import { RackpilotError } from '../shared/errors';
import { createApp, type App } from './core/app';
import { createLogger } from './core/log';
import { safeStorageBox } from './safe-storage-box';
import { createAppProtocolHandler } from './ipc/app-protocol';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_DEFINITION,
  externalUrlToOpen,
  isAllowedNavigation,
  isTrustedSenderFrame,
  secureWebPreferences,
} from './ipc/security';
import { attachIpcTransport, type IpcTransport } from './ipc/transport';

const log = createLogger();
// Bundled to dist/electron/main.cjs; the preload and the renderer build sit beside it.
const PRELOAD = join(__dirname, 'preload.cjs');
const RENDERER_DIR = join(__dirname, '..', 'renderer');

let core: App | null = null;
let ipc: IpcTransport | null = null;
let mainWindow: BrowserWindow | null = null;

// Must happen before 'ready'.
protocol.registerSchemesAsPrivileged([APP_SCHEME_DEFINITION]);

if (!app.requestSingleInstanceLock()) {
  // Another Rackpilot owns the data directory; it gets focused through 'second-instance'.
  app.quit();
} else {
  app.on('second-instance', () => focusWindow());
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (core && BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
  app.on('will-quit', (event) => {
    if (!core) return;
    // Let the core finish its writes and release the data-dir lock before the process ends.
    event.preventDefault();
    const closing = core;
    core = null;
    ipc?.close();
    ipc = null;
    closing
      .close()
      .catch((err: unknown) => log.error('core did not close cleanly', { error: String(err) }))
      .finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch(async (err: unknown) => {
      // Release the data dir if the core had opened before something else failed.
      const opened = core;
      core = null;
      await opened?.close().catch(() => undefined);
      failStartup(err);
    });
}

function start(): void {
  // Throws RackpilotError (E_STORE_CORRUPT, E_STORE_NEWER_SCHEMA, E_DATA_DIR_LOCKED) → failStartup.
  // scripts/start.mjs builds better-sqlite3 for Electron's ABI and passes its path (the copy in
  // node_modules is built for Node, which the headless server and the tests use).
  const sqliteBinding = process.env.RACKPILOT_SQLITE_BINDING;
  core = createApp({
    dataDir: app.getPath('userData'),
    shell: 'electron',
    version: app.getVersion(),
    log,
    // dist/electron/main.cjs → <app>/assets (packaged: beside the asar, via extraResources).
    assetsDir: join(__dirname, '..', '..', 'assets'),
    ...(sqliteBinding ? { sqliteBinding } : {}),
    secretBox: safeStorageBox(log),
  });
  lockDownSession();
  protocol.handle(APP_SCHEME, createAppProtocolHandler(RENDERER_DIR));
  ipc = attachIpcTransport<IpcMainEvent>(ipcMain, core.dispatcher, { isTrustedSender, log });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate()));
  mainWindow = createWindow();
}

/** Frames are accepted only from the main frame of one of our windows showing our own UI. */
function isTrustedSender(event: IpcMainEvent): boolean {
  return BrowserWindow.fromWebContents(event.sender) !== null && isTrustedSenderFrame(event.senderFrame);
}

/**
 * Startup failed (store corrupt or from a newer version, data dir locked, …): say so and quit.
 * The data is left exactly as it is — never deleted or overwritten here.
 */
function failStartup(err: unknown): void {
  const message =
    err instanceof RackpilotError
      ? err.message
      : isNativeAbiMismatch(err)
        ? 'The database driver (better-sqlite3) was built for Node.js, not for Electron. ' +
          'Rebuild it for Electron with `npx @electron/rebuild -f -w better-sqlite3`, or run the ' +
          'headless server instead (`npm run serve`). Your data was not changed.'
        : `Something unexpected went wrong while starting: ${err instanceof Error ? err.message : String(err)}\n\n` +
        'Your data was not changed. Please report this, with the log printed on the terminal.';
  log.error('startup failed', {
    code: err instanceof RackpilotError ? err.code : undefined,
    error: err instanceof Error ? err.stack : String(err),
  });
  dialog.showErrorBox('Rackpilot cannot start', message);
  app.exit(1);
}

/** A native addon compiled against another Node ABI (Node's vs Electron's) fails to load like this. */
function isNativeAbiMismatch(err: unknown): boolean {
  return err instanceof Error && /NODE_MODULE_VERSION|ERR_DLOPEN_FAILED|was compiled against a different Node\.js version/.test(
    `${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`,
  );
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    title: 'Rackpilot',
    show: false,
    webPreferences: secureWebPreferences(PRELOAD),
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.loadURL(APP_ENTRY_URL).catch((err: unknown) => log.error('could not load the UI', { error: String(err) }));
  return win;
}

function focusWindow(): void {
  const win = mainWindow ?? BrowserWindow.getAllWindows()[0];
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/** No remote content, no new windows, no webviews, no navigation away from our own UI. */
function guardWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (isAllowedNavigation(event.url)) return;
    event.preventDefault();
    log.warn('blocked a navigation away from the app', { url: event.url });
  });
  contents.on('will-redirect', (event) => {
    if (isAllowedNavigation(event.url)) return;
    event.preventDefault();
    log.warn('blocked a redirect away from the app', { url: event.url });
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links with target=_blank: http(s) goes to the user's browser, anything else nowhere.
    const external = externalUrlToOpen(url);
    if (external) {
      shell.openExternal(external).catch((err: unknown) => log.warn('could not open link', { error: String(err) }));
    }
    return { action: 'deny' };
  });
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // The CSP itself is sent by the app:// handler with every response (webRequest's
  // onHeadersReceived would not see file:// loads, hence app://). On top of it, the window's
  // session never goes to the network at all: the UI is bundled and the API is IPC.
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (details, callback) => {
    log.warn('blocked a network request from the window', { url: details.url });
    callback({ cancel: true });
  });
}

function menuTemplate(): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [{ role: 'reload' }, { role: 'forceReload' }];
  if (!app.isPackaged) view.push({ role: 'toggleDevTools' });
  view.push(
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  );
  return [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    { label: 'File', submenu: [{ role: 'quit' }] },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'help', submenu: [{ label: 'About Rackpilot', click: () => showAbout() }] },
  ];
}

function showAbout(): void {
  const options = {
    type: 'info' as const,
    title: 'About Rackpilot',
    message: `Rackpilot ${app.getVersion()}`,
    detail:
      `Electron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}\n` +
      `Data: ${app.getPath('userData')}`,
  };
  const promise = mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options);
  promise.catch(() => undefined);
}
