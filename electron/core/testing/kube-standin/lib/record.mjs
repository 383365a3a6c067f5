/**
 * Shared by every stand-in tool: where the rack and node state live, the call log the harness
 * reads back (`rack.calls()`), and the faults a test injected for this node (`rack.fault()`).
 * Inside a node, /run/standin-rack is the rack directory (shared by all nodes) and /run/standin
 * is this node's own state (a tmpfs); STANDIN_RACK / STANDIN_NODE override them for tool tests.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

export const RACK_DIR = process.env.STANDIN_RACK ?? '/run/standin-rack';
export const NODE_DIR = process.env.STANDIN_NODE ?? '/run/standin';

/** This node's identity as the harness wrote it: { name, address, productUuid, cpus? }. */
export function nodeInfo() {
  try {
    return JSON.parse(readFileSync(join(NODE_DIR, 'node.json'), 'utf8'));
  } catch {
    return { name: hostname(), address: '', productUuid: '' };
  }
}

/** Appends one call to the rack's call log: {node, tool, args, exitCode, at}. */
export function record(tool, args, exitCode) {
  const line = JSON.stringify({ node: nodeInfo().name, tool, args, exitCode, at: new Date().toISOString() }) + '\n';
  try {
    // One small O_APPEND write per call: concurrent tools on several nodes never interleave lines.
    appendFileSync(join(RACK_DIR, 'calls.jsonl'), line);
  } catch {
    // Outside a rack (or the log is not writable): the tool still answers.
  }
}

/** The faults injected for this node (one name per line in faults/<node>). */
export function faults() {
  try {
    return readFileSync(join(RACK_DIR, 'faults', nodeInfo().name), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  } catch {
    return [];
  }
}

export function hasFault(name) {
  return faults().includes(name);
}

/** Records the call and ends the process with `code` (stdout/stderr to pipes and files are synchronous on Linux). */
export function finish(tool, args, code) {
  record(tool, args, code);
  process.exit(code);
}

/** The tool's name and arguments as invoked: `kubeadm`, ['init', ...]. */
export function invocation() {
  return { tool: (process.argv[1] ?? '').split('/').pop() ?? '', args: process.argv.slice(2) };
}

export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function readJson(file, fallback) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return fallback;
  }
}

/** Writes JSON atomically (rename), creating the parent directory. */
export function writeJson(file, value) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
}

/** The kube packages apt "installed": { version: 'v1.34.1', minor: '1.34', packages: {kubeadm: '1.34.1-1.1', ...}, held: [...] }. */
export function packagesState() {
  return readJson(join(NODE_DIR, 'packages.json'), { version: null, minor: null, packages: {}, held: [] });
}

export function writePackagesState(state) {
  writeJson(join(NODE_DIR, 'packages.json'), state);
}

export function fileExists(path) {
  return existsSync(path);
}
