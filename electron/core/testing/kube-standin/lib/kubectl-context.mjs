/**
 * kubectl's connection: the kubeconfig chosen as kubectl chooses it (--kubeconfig, else the
 * KUBECONFIG list, else ~/.kube/config; none at all means http://localhost:8080), a verified
 * HTTPS client, and kubectl's wording for what can go wrong (connection refused, TLS, 401/403/404).
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, ConnectionError } from './api-client.mjs';
import { Exit, err } from './cli.mjs';
import { klog } from './format.mjs';
import { KubeconfigError, loadKubeconfig } from './kubeconfig.mjs';
import { ApiError } from './store.mjs';

const memcache = (url, reason) => `${klog('E', 'memcache.go:265')}"Unhandled Error" err="couldn't get current server API group list: Get \\"${url}/api?timeout=32s\\": ${reason.replace(/"/g, '\\"')}"`;

/** The kubeconfig path kubectl would use, or null. */
function chooseKubeconfig(flag) {
  if (flag) {
    try {
      statSync(flag);
    } catch {
      throw new Exit(1, `error: stat ${flag}: no such file or directory`);
    }
    return flag;
  }
  const env = process.env.KUBECONFIG;
  if (env) return env.split(':').find((f) => f && existsSync(f)) ?? null;
  const home = join(process.env.HOME || homedir(), '.kube', 'config');
  return existsSync(home) ? home : null;
}

/** An ApiClient for the current context; exits the way kubectl does when there is none. */
export function kubectlClient(flags) {
  const path = chooseKubeconfig(flags.kubeconfig);
  let config = null;
  if (path) {
    try {
      config = loadKubeconfig(path).config;
    } catch (e) {
      if (e instanceof KubeconfigError) throw new Exit(1, `error: ${e.message}`);
      throw e;
    }
  }
  if (!config) {
    err(memcache('http://localhost:8080', 'dial tcp [::1]:8080: connect: connection refused'));
    throw new Exit(1, 'The connection to the server localhost:8080 was refused - did you specify the right host or port?');
  }
  if (flags['insecure-skip-tls-verify']) config.insecure = true;
  if (flags.server) config.server = [].concat(flags.server).at(-1);
  const timeout = flags['request-timeout'] ? Math.max(1000, parseFloat(flags['request-timeout']) * 1000) : 32_000;
  return new ApiClient(config, { timeoutMs: timeout });
}

/** Turns API and connection failures into kubectl's messages and exit code 1. */
export function kubectlError(e, client) {
  if (e instanceof Exit) return e;
  if (e instanceof ConnectionError) {
    const url = client?.conn?.server ?? '';
    if (e.net.code === 'ECONNREFUSED' || e.net.code === 'EHOSTUNREACH' || e.net.code === 'ETIMEDOUT') err(memcache(url.replace(/\/$/, ''), e.net.reason));
    return new Exit(1, e.kubectlMessage());
  }
  if (e instanceof ApiError) {
    if (e.code === 401) return new Exit(1, 'error: You must be logged in to the server (Unauthorized)');
    return new Exit(1, `Error from server (${e.reason}): ${e.message}`);
  }
  return new Exit(1, `error: ${e.message}`);
}

/**
 * Runs `fn(client)` and reports failures as kubectl does; `onConnection` words a connection
 * failure the way a particular command does instead.
 */
export async function withClient(flags, fn, onConnection) {
  const client = kubectlClient(flags);
  try {
    return await fn(client);
  } catch (e) {
    if (onConnection && e instanceof ConnectionError) {
      err(memcache(client.conn.server.replace(/\/$/, ''), e.net.reason));
      throw onConnection(e, client);
    }
    throw kubectlError(e, client);
  }
}

/** apply validates against the server's OpenAPI first: that download is what fails (kubectl 1.34). */
export function applyConnectionError(flags) {
  return (e, client) => {
    const file = [].concat(flags.filename ?? [])[0] ?? '';
    const url = `${client.conn.server.replace(/\/$/, '')}/openapi/v2?timeout=32s`;
    return new Exit(1, `error: error validating "${file}": error validating data: failed to download openapi: Get "${url}": ${e.net.reason}; if you choose to ignore these errors, turn validation off with --validate=false`);
  };
}
