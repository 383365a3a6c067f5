/**
 * The security settings of the Electron window, as plain values so they can be unit-tested
 * without Electron (DESIGN §10). main.ts applies them; nothing here imports electron at runtime.
 *
 * The renderer is served from a privileged custom scheme, app://rackpilot/, rather than file://:
 * a protocol handler can attach a real Content-Security-Policy header to every response (webRequest
 * does not see file:// loads), the page gets a proper origin for 'self', and absolute asset paths
 * from the Vite build resolve inside the app instead of at the file-system root.
 */
import type { CustomScheme, WebPreferences } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'rackpilot';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Privileges for app://; registered before the app is ready. No CORS, no service workers. */
export const APP_SCHEME_DEFINITION: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/**
 * The window's CSP. Only our own bundled code, no inline script, no eval, no remote anything.
 * connect-src is 'self' only: inside Electron the API goes over IPC, not the network. Inline
 * `<style>` elements stay blocked. Inline `style` attributes are allowed (style-src-attr) only
 * because the terminal (xterm.js) colours 24-bit-colour cells with them; they cannot run code.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every app:// response. */
export const APP_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** BrowserWindow webPreferences: isolated, sandboxed, no Node, nothing loosened. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

/** True for URLs of our own bundled UI (app://rackpilot/…). */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
}

/** The subset of Electron's WebFrameMain the sender check reads. */
export interface SenderFrameLike {
  readonly url: string;
  /** null for a top-level (main) frame. */
  readonly parent: unknown;
}

/**
 * IPC is accepted only from the main frame of a page of our own UI: not from iframes, not from
 * anything that navigated elsewhere. (The frame may be null once it is gone: reject.)
 */
export function isTrustedSenderFrame(frame: SenderFrameLike | null | undefined): boolean {
  return frame != null && frame.parent === null && isAppUrl(frame.url);
}

/** May the window navigate to `url`? Only within our own UI; everything else is refused. */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

/**
 * The URL to hand to the OS browser for a window.open / target=_blank request, or null to
 * ignore it. Only http(s): file:, javascript:, custom schemes and the like could launch local
 * programs through the OS's URL handlers.
 */
export function externalUrlToOpen(url: string): string | null {
  const parsed = parseUrl(url);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return null;
  return parsed.href;
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
