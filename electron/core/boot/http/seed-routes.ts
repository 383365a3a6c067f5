/**
 * The node-private part of the boot server: NoCloud seed files and cloud-init's phone-home,
 * both behind /<nodeId>/<token>/. A wrong token and an unknown node get the same 404, so the
 * URL space tells a prober nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RackpilotError } from '../../../../shared/errors';
import type { BootContext } from './context';
import { parsePhoneHomeForm } from './phone-home-form';

const SEED_FILES = ['meta-data', 'user-data', 'vendor-data', 'network-config', 'preseed.cfg'] as const;
type SeedFile = (typeof SEED_FILES)[number];

export function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function serveSeed(ctx: BootContext, res: ServerResponse, nodeId: string, token: string, file: string, client: string, baseUrl: string, head: boolean): void {
  const node = ctx.inventory.seedAccess(nodeId, token);
  if (!node || !node.profileId || !(SEED_FILES as readonly string[]).includes(file)) {
    notFound(res);
    return;
  }
  ctx.clients.remember(client, node.id);
  let rendered;
  try {
    rendered = ctx.profiles.render(node.profileId, node, token, { baseUrl, adminPublicKeys: ctx.adminPublicKeys() }, ctx.options.extraInterfaces?.(node.id) ?? []);
  } catch (err) {
    const message = err instanceof RackpilotError ? err.message : String(err);
    ctx.timeline(node.id, `could not render ${file}: ${message}`, { file, error: message }, 'boot.error');
    text(res, 500, `Rackpilot could not render ${file}: ${message}\n`);
    return;
  }
  const body: Record<SeedFile, string | null> = {
    'meta-data': rendered.metaData,
    'user-data': rendered.userData,
    'vendor-data': rendered.vendorData,
    'network-config': rendered.networkConfig,
    'preseed.cfg': rendered.preseed,
  };
  const content = body[file as SeedFile];
  if (content === null) {
    notFound(res);
    return;
  }
  ctx.timeline(node.id, `served ${file} (seed)`, { file, client });
  if (head) {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(content) }).end();
    return;
  }
  text(res, 200, content);
}

export async function acceptPhoneHome(ctx: BootContext, req: IncomingMessage, res: ServerResponse, nodeId: string, token: string, client: string): Promise<void> {
  // Check the token before reading a byte of the body: strangers get nothing but a 404.
  const node = ctx.inventory.seedAccess(nodeId, token);
  if (!node) {
    req.resume();
    notFound(res);
    return;
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    text(res, 415, 'phone-home expects application/x-www-form-urlencoded (cloud-init phone_home with post: all)\n');
    return;
  }
  const max = ctx.options.maxPhoneHomeBytes ?? 64 * 1024;
  let body: string;
  try {
    body = await readBody(req, max);
  } catch {
    text(res, 413, `phone-home body larger than ${max} bytes\n`);
    req.destroy();
    return;
  }
  const parsed = parsePhoneHomeForm(body);
  if (!parsed.ok) {
    ctx.timeline(node.id, `rejected a phone-home: ${parsed.message}`, { client }, 'boot.error');
    text(res, 400, `${parsed.message}\n`);
    return;
  }
  ctx.clients.remember(client, node.id);
  try {
    const { hostKeys, hostname } = parsed.form;
    ctx.inventory.phoneHome(node.id, token, hostKeys, hostname ? { hostname } : {});
    text(res, 200, 'ok\n');
  } catch (err) {
    if (!(err instanceof RackpilotError)) throw err;
    if (err.code === 'E_NOT_FOUND') notFound(res);
    else {
      ctx.timeline(node.id, `rejected a phone-home: ${err.message}`, { client }, 'boot.error');
      text(res, err.code === 'E_VALIDATION' ? 400 : 409, `${err.message}\n`);
    }
  }
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      reject(new Error('too large'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        reject(new Error('too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
