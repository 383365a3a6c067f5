/** The window's security settings as values (main.ts applies them; Electron cannot run here). */
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_RESPONSE_HEADERS,
  APP_SCHEME_DEFINITION,
  CONTENT_SECURITY_POLICY,
  externalUrlToOpen,
  isAllowedNavigation,
  isTrustedSenderFrame,
  secureWebPreferences,
} from './security';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('secureWebPreferences', () => {
  const prefs = secureWebPreferences('/app/dist/electron/preload.cjs');

  it('isolates and sandboxes the renderer with no Node access', () => {
    expect(prefs).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it('sets nothing that loosens security', () => {
    expect(Object.keys(prefs)).not.toContain('enableBlinkFeatures');
    expect(Object.keys(prefs)).not.toContain('additionalArguments');
    expect(Object.keys(prefs)).not.toContain('partition');
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);

  it('denies by default and allows only our own code', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    // Attributes only (xterm's 24-bit colours); <style> elements stay blocked.
    expect(csp.get('style-src-attr')).toEqual(["'unsafe-inline'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
  });

  it('has no inline script, eval, wildcard or remote source', () => {
    // 'unsafe-inline' appears once, for style attributes only (style-src-attr), never for scripts.
    const withoutStyleAttrs = CONTENT_SECURITY_POLICY.replace("style-src-attr 'unsafe-inline'", '');
    expect(withoutStyleAttrs).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|\*|https?:|wss?:/);
  });

  it('is sent with every app:// response', () => {
    expect(APP_RESPONSE_HEADERS['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(APP_RESPONSE_HEADERS['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('the app:// scheme', () => {
  it('is standard and secure, without CORS, service workers or CSP bypass', () => {
    expect(APP_SCHEME_DEFINITION.scheme).toBe('app');
    expect(APP_SCHEME_DEFINITION.privileges).toEqual({ standard: true, secure: true, supportFetchAPI: true });
    expect(APP_ENTRY_URL).toBe('app://rackpilot/index.html');
  });
});

describe('isTrustedSenderFrame', () => {
  it('trusts only the main frame of our own UI', () => {
    expect(isTrustedSenderFrame({ url: APP_ENTRY_URL, parent: null })).toBe(true);
    expect(isTrustedSenderFrame({ url: 'app://rackpilot/index.html#/nodes', parent: null })).toBe(true);
  });

  it.each([
    ['an iframe', { url: APP_ENTRY_URL, parent: {} }],
    ['a remote page', { url: 'https://example.com/', parent: null }],
    ['file://', { url: 'file:///opt/Rackpilot/resources/index.html', parent: null }],
    ['another app:// host', { url: 'app://other/index.html', parent: null }],
    ['a look-alike host', { url: 'app://rackpilot.evil/index.html', parent: null }],
    ['garbage', { url: 'not a url', parent: null }],
  ])('rejects %s', (_label, frame) => {
    expect(isTrustedSenderFrame(frame)).toBe(false);
  });

  it('rejects a frame that is gone', () => {
    expect(isTrustedSenderFrame(null)).toBe(false);
  });
});

describe('navigation and window.open', () => {
  it('allows navigation only within our UI', () => {
    expect(isAllowedNavigation('app://rackpilot/index.html')).toBe(true);
    expect(isAllowedNavigation('https://example.com/')).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd')).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)')).toBe(false);
  });

  it('hands only http(s) links to the OS browser', () => {
    expect(externalUrlToOpen('https://kubernetes.io/docs/')).toBe('https://kubernetes.io/docs/');
    expect(externalUrlToOpen('http://192.168.1.10:8080')).toBe('http://192.168.1.10:8080/');
    for (const url of ['file:///bin/sh', 'javascript:alert(1)', 'smb://host/share', 'ms-settings:', 'app://rackpilot/', '']) {
      expect(externalUrlToOpen(url)).toBeNull();
    }
  });
});
