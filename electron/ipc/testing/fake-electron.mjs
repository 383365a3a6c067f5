/*
 * TEST FIXTURE — a scripted fake of the `electron` module, preloaded with `node --import` so that the
 * built dist/electron/main.cjs can run under plain Node (the Electron binary cannot run here).
 * It records what main.cjs asks of Electron, drives one scenario (FAKE_SCENARIO), and prints the
 * record as one JSON line prefixed with FAKE_ELECTRON_REPORT when the app exits.
 * It checks main.ts's wiring, not Electron's behaviour.
 */
import Module from 'node:module';
import { EventEmitter } from 'node:events';

const report = { calls: [], windows: [], ipcReplies: [], untrustedReplies: [], events: [] };
const record = (...args) => report.calls.push(args);

function finish(code) {
  process.stdout.write(`FAKE_ELECTRON_REPORT ${JSON.stringify({ ...report, exitCode: code })}\n`);
  process.exit(code);
}

class WebContents extends EventEmitter {
  constructor(id, win) {
    super();
    this.id = id;
    this.win = win;
    this.destroyed = false;
    this.sent = [];
  }
  isDestroyed() { return this.destroyed; }
  send(channel, frame) { this.sent.push([channel, structuredClone(frame)]); }
  setWindowOpenHandler(handler) { this.windowOpenHandler = handler; }
}

const windows = [];
class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents(windows.length + 1, this);
    windows.push(this);
    report.windows.push({ options });
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url) { report.windows[windows.indexOf(this)].url = url; return Promise.resolve(); }
  isMinimized() { return false; }
  restore() {}
  show() {}
  focus() {}
  static fromWebContents(wc) { return windows.find((w) => w.webContents === wc) ?? null; }
  static getAllWindows() { return windows.slice(); }
}

const app = new EventEmitter();
Object.assign(app, {
  isPackaged: false,
  requestSingleInstanceLock: () => process.env.FAKE_SECOND_INSTANCE !== '1',
  whenReady: () => new Promise((r) => setImmediate(r)),
  getPath: (name) => { record('getPath', name); return process.env.FAKE_USER_DATA; },
  getVersion: () => '0.0.0-fake',
  quit() {
    record('quit');
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    app.emit('will-quit', event);
    if (!event.defaultPrevented) finish(0);
  },
  exit(code) { record('exit', code); finish(code); },
});

const protocolHandlers = {};
const ipcMain = new EventEmitter();
const sessionState = {};

const fake = {
  app,
  BrowserWindow,
  ipcMain,
  dialog: {
    showErrorBox: (title, message) => record('showErrorBox', title, message),
    showMessageBox: () => Promise.resolve({ response: 0 }),
  },
  Menu: {
    buildFromTemplate: (template) => template,
    setApplicationMenu: (menu) => { report.menu = menu.map((m) => ({ label: m.label, role: m.role, submenu: (m.submenu ?? []).map((i) => i.role ?? i.label ?? i.type) })); },
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes) => record('registerSchemesAsPrivileged', schemes),
    handle: (scheme, handler) => { protocolHandlers[scheme] = handler; },
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h) => { sessionState.permissionRequest = h; },
      setPermissionCheckHandler: (h) => { sessionState.permissionCheck = h; },
      setDevicePermissionHandler: (h) => { sessionState.devicePermission = h; },
      webRequest: { onBeforeRequest: (filter, h) => { sessionState.beforeRequest = { filter, h }; } },
    },
  },
  shell: { openExternal: (url) => { record('openExternal', url); return Promise.resolve(); } },
  // A keychain stand-in: reversible, so the test can tell a sealed key file from a plain one.
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => process.env.FAKE_KEYRING ?? 'gnome_libsecret',
    encryptString: (text) => Buffer.from(Buffer.from(text, 'utf8').map((b) => b ^ 0x5a)),
    decryptString: (buf) => Buffer.from(buf.map((b) => b ^ 0x5a)).toString('utf8'),
  },
  contextBridge: { exposeInMainWorld: () => {} },
  ipcRenderer: new EventEmitter(),
};

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  return request === 'electron' ? fake : originalLoad.call(this, request, parent, isMain);
};

const tick = () => new Promise((r) => setTimeout(r, 20));

/** After 'ready': poke everything main.ts set up, as Electron and a page would. */
async function happyScenario() {
  while (windows.length === 0) await tick();
  const win = windows[0];
  const wc = win.webContents;

  const res = await protocolHandlers.app(new Request('app://rackpilot/index.html'));
  report.events.push(['protocol', res.status, res.headers.get('content-security-policy')]);

  const trusted = { sender: wc, senderFrame: { url: 'app://rackpilot/index.html', parent: null } };
  ipcMain.emit('rackpilot:frame', trusted, { t: 'req', id: 1, m: 'system.info', a: {} });
  const untrusted = { sender: wc, senderFrame: { url: 'app://rackpilot/index.html', parent: {} } };
  ipcMain.emit('rackpilot:frame', untrusted, { t: 'req', id: 2, m: 'system.info', a: {} });
  while (wc.sent.length === 0) await tick();
  await tick();
  report.ipcReplies = wc.sent;

  const nav = (url) => {
    const event = { url, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    wc.emit('will-navigate', event);
    return event.defaultPrevented;
  };
  report.events.push(['will-navigate-remote-prevented', nav('https://example.com/')]);
  report.events.push(['will-navigate-app-prevented', nav('app://rackpilot/index.html#/nodes')]);
  report.events.push(['open-https', wc.windowOpenHandler({ url: 'https://kubernetes.io/' })]);
  report.events.push(['open-file', wc.windowOpenHandler({ url: 'file:///bin/sh' })]);
  let granted;
  sessionState.permissionRequest(wc, 'media', (ok) => { granted = ok; });
  report.events.push(['permission-request', granted, sessionState.permissionCheck(wc, 'notifications')]);
  let cancelled;
  sessionState.beforeRequest.h({ url: 'https://example.com/x.js' }, (r) => { cancelled = r.cancel; });
  report.events.push(['network-cancelled', cancelled, sessionState.beforeRequest.filter.urls]);

  // The user closes the window: core closes, then the app exits.
  wc.destroyed = true;
  wc.emit('destroyed');
  app.emit('window-all-closed');
}

if (process.env.FAKE_SCENARIO === 'happy') {
  app.whenReady().then(() => setImmediate(() => happyScenario().catch((err) => {
    report.error = String(err && err.stack || err);
    finish(99);
  })));
}
setTimeout(() => { report.error = 'timed out'; finish(98); }, 15_000).unref();
