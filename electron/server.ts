/**
 * `npm run serve`: the headless entry. Parses flags, starts the core and the HTTP/WebSocket
 * face, prints the URL with its token, and shuts down cleanly on SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RackpilotError } from '../shared/errors';
import { createApp } from './core/app';
import { createLogger } from './core/log';
import { defaultDataDir } from './headless/data-dir';
import { startHeadlessServer, StartupError } from './headless/server';
import { version } from '../package.json';

const USAGE = `Usage: rackpilot-server [--host 127.0.0.1] [--port 8710] [--data-dir DIR] [--allow-remote]

  --host          address to listen on (default 127.0.0.1, loopback only)
  --port          TCP port (default 8710; 0 picks a free one)
  --data-dir      where the database lives (default: ${defaultDataDir()})
  --allow-remote  allow a non-loopback --host (the access token is still required)`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8710' },
        'data-dir': { type: 'string' },
        'allow-remote': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`rackpilot: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`rackpilot: --port must be a number from 0 to 65535, not "${args.port}"`);
    return 2;
  }
  const log = createLogger();
  // A bug in one handler or socket callback must not take down the server (and the boot
  // services that will live in it): log it loudly and keep serving.
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { error: String((reason as Error)?.stack ?? reason) }));
  process.on('uncaughtException', (err) => log.error('uncaught exception', { error: String(err.stack ?? err) }));
  const dataDir = resolve(args['data-dir'] ?? defaultDataDir());

  let app;
  try {
    // An optional passphrase for Rackpilot's SSH key (headless has no OS keychain). From the
    // environment, not an argument (arguments show in `ps`), and removed from it once read.
    const keyPassphrase = process.env.RACKPILOT_KEY_PASSPHRASE || undefined;
    delete process.env.RACKPILOT_KEY_PASSPHRASE;
    app = createApp({ dataDir, shell: 'headless', version, log, assetsDir: resolve(__dirname, '..', '..', 'assets'), ...(keyPassphrase ? { keyPassphrase } : {}) });
  } catch (err) {
    if (err instanceof RackpilotError) {
      console.error(`Rackpilot cannot start (${err.code}): ${err.message}`);
      return 2;
    }
    throw err;
  }

  let server;
  try {
    server = await startHeadlessServer({
      app,
      log,
      host: args.host,
      port,
      allowRemote: args['allow-remote'],
      rendererDir: resolve(__dirname, '..', 'renderer'),
    });
  } catch (err) {
    await app.close();
    if (err instanceof StartupError) {
      console.error(`Rackpilot cannot start: ${err.message}`);
      return 2;
    }
    throw err;
  }

  console.log(`Rackpilot ${version} — data in ${dataDir}`);
  console.log(`Rackpilot is ready at ${server.url}`);

  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      log.info(`${signal} received; shutting down`);
      done();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await server.close();
  await app.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('Rackpilot crashed while starting:', err);
    process.exit(1);
  },
);
