/** The app:// handler, driven with fetch Requests as Electron's protocol.handle would. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler } from './app-protocol';
import { CONTENT_SECURITY_POLICY } from './security';

let tmp: string;
let serve: (r: Request) => Promise<Response>;
const get = (url: string, method = 'GET') => serve(new Request(url, { method }));

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'rackpilot-proto-'));
  const root = join(tmp, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Rackpilot</title>');
  writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(tmp, 'secret.txt'), 'secret');
  symlinkSync(join(tmp, 'secret.txt'), join(root, 'assets', 'link.txt'));
  serve = createAppProtocolHandler(root);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('app:// protocol handler', () => {
  it('serves the UI with the CSP and the right type', async () => {
    const res = await get('app://rackpilot/index.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await res.text()).toContain('<title>Rackpilot</title>');

    const js = await get('app://rackpilot/assets/app-1234.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log(1)');
  });

  it('falls back to index.html for client-side routes, but 404s missing assets', async () => {
    expect(await (await get('app://rackpilot/nodes/n1')).text()).toContain('Rackpilot');
    expect(await (await get('app://rackpilot/')).text()).toContain('Rackpilot');
    expect((await get('app://rackpilot/assets/missing.js')).status).toBe(404);
  });

  it.each([
    'app://rackpilot/%2e%2e/secret.txt',
    'app://rackpilot/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://rackpilot/..%5csecret.txt',
    'app://rackpilot/assets/link.txt',
    'app://rackpilot/%00index.html',
    'app://rackpilot/%E0%A4%A',
    'app://other/index.html',
  ])('refuses to escape the root or serve other hosts: %s', async (url) => {
    const res = await get(url);
    expect(res.status).not.toBe(200);
    expect(await res.text()).not.toContain('secret');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('answers HEAD without a body and refuses writes', async () => {
    const head = await get('app://rackpilot/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get('app://rackpilot/index.html', 'POST')).status).toBe(405);
  });

  it('says what to do when the UI is not built', async () => {
    const empty = createAppProtocolHandler(join(tmp, 'nowhere'));
    const res = await empty(new Request('app://rackpilot/index.html'));
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/npm run build/);
  });
});
