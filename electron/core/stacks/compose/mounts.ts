/**
 * A service's `volumes:` entries, short (`SOURCE:TARGET[:MODE]`, `TARGET` for an anonymous
 * volume) and long (`{ type, source, target, read_only, volume, bind, tmpfs }`) syntax, as
 * ServiceMounts. Bind sources stay as written here; normalization resolves relative ones.
 */
import type { ServiceMount } from './model';
import { toPlain, type SourceNode } from './source-node';
import { parseBool, parseBytes, type Parsed } from './values';

/** docker compose's test: a source starting like a path is a bind mount, anything else a named volume. */
function isPathSource(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
}

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** Mode words that change nothing on a Linux engine: consistency hints (for Docker Desktop) and Docker's default propagation. */
const NO_OP_MODES = new Set(['rw', 'cached', 'delegated', 'consistent', 'rprivate']);

const fail = (error: string): Parsed<ServiceMount> => ({ ok: false, error });

function checkTarget(target: string | undefined): string | null {
  if (!target) return 'the container path (target) is missing';
  if (!target.startsWith('/')) return `the container path "${target}" must be absolute (start with /)`;
  return null;
}

/** Short syntax: `data:/var/lib/data`, `./site:/usr/share/nginx/html:ro`, `/cache` (anonymous). */
export function parseVolumeString(spec: string): Parsed<ServiceMount> {
  const parts = spec.split(':');
  if (parts.length > 3) return fail(`"${spec}" has too many ":": write SOURCE:TARGET[:MODE]`);
  const [source, target, modeText] = parts.length === 1 ? [null, parts[0], ''] : [parts[0]!, parts[1], parts[2] ?? ''];
  const targetError = checkTarget(target);
  if (targetError) return fail(targetError);
  let readOnly = false;
  let noCopy = false;
  for (const mode of modeText ? modeText.split(',') : []) {
    if (mode === 'ro') readOnly = true;
    else if (mode === 'nocopy') noCopy = true;
    else if (mode === 'z' || mode === 'Z') return fail(`SELinux relabelling (:${mode}) is not supported by Rackpilot (yet): relabel the host path on the node and drop :${mode}`);
    else if (!NO_OP_MODES.has(mode)) return fail(`mode "${mode}" is not supported: use ro, rw or nocopy`);
  }
  if (source === null || source === '') return { ok: true, value: { type: 'volume', source: null, target: target!, readOnly, noCopy } };
  if (isPathSource(source)) {
    if (noCopy) return fail('nocopy applies to named volumes, not to a host path');
    return { ok: true, value: { type: 'bind', source, target: target!, readOnly, createHostPath: true } };
  }
  if (!VOLUME_NAME.test(source)) return fail(`"${source}" is neither a volume name (letters, digits, _ . -) nor a path (start it with ./ or /)`);
  return { ok: true, value: { type: 'volume', source, target: target!, readOnly, noCopy } };
}

/** The long syntax's fields; validation has checked which keys are present and their types. */
export interface LongVolume {
  type: string;
  source?: string | null;
  target?: string | null;
  read_only?: boolean | string | null;
  consistency?: string | null;
  volume?: { nocopy?: boolean | string | null } | null;
  bind?: { create_host_path?: boolean | string | null } | null;
  tmpfs?: { size?: number | string | null; mode?: number | string | null } | null;
}

function flag(value: boolean | string | null | undefined, fallback: boolean): boolean {
  if (value === null || value === undefined) return fallback;
  const parsed = parseBool(value);
  return parsed.ok ? parsed.value : fallback;
}

/** tmpfs mode: a YAML number as given (0o1777 in YAML 1.2), a string as octal ("1777"), as docker compose reads them. */
function tmpfsMode(mode: number | string | null | undefined): Parsed<number | null> {
  if (mode === null || mode === undefined) return { ok: true, value: null };
  if (typeof mode === 'number') return Number.isInteger(mode) && mode >= 0 ? { ok: true, value: mode } : { ok: false, error: `tmpfs mode ${mode} is not a file mode` };
  return /^[0-7]{1,4}$/.test(mode.trim()) ? { ok: true, value: parseInt(mode, 8) } : { ok: false, error: `tmpfs mode "${mode}" is not an octal file mode like "1777"` };
}

export function parseVolumeLong(v: LongVolume): Parsed<ServiceMount> {
  const targetError = checkTarget(v.target ?? undefined);
  if (targetError) return fail(targetError);
  const target = v.target!;
  const readOnly = flag(v.read_only, false);
  const source = v.source ?? null;
  if (v.type === 'volume') {
    if (source !== null && !VOLUME_NAME.test(source)) return fail(`"${source}" is not a volume name (letters, digits, _ . -); for a host path use type: bind`);
    if (v.bind || v.tmpfs) return fail('a volume mount takes volume: options, not bind: or tmpfs:');
    return { ok: true, value: { type: 'volume', source, target, readOnly, noCopy: flag(v.volume?.nocopy, false) } };
  }
  if (v.type === 'bind') {
    if (!source) return fail('a bind mount needs source: (the host path)');
    if (v.volume || v.tmpfs) return fail('a bind mount takes bind: options, not volume: or tmpfs:');
    return { ok: true, value: { type: 'bind', source, target, readOnly, createHostPath: flag(v.bind?.create_host_path, false) } };
  }
  if (v.type === 'tmpfs') {
    if (source) return fail('a tmpfs mount has no source: remove it');
    if (readOnly) return fail('a tmpfs mount cannot be read_only: remove read_only');
    if (v.volume || v.bind) return fail('a tmpfs mount takes tmpfs: options, not volume: or bind:');
    let sizeBytes: number | null = null;
    if (v.tmpfs?.size !== undefined && v.tmpfs.size !== null) {
      const size = parseBytes(v.tmpfs.size);
      if (!size.ok) return fail(`tmpfs size: ${size.error}`);
      sizeBytes = size.value;
    }
    const mode = tmpfsMode(v.tmpfs?.mode);
    if (!mode.ok) return fail(mode.error);
    return { ok: true, value: { type: 'tmpfs', target, sizeBytes, mode: mode.value } };
  }
  return fail(`mount type "${v.type}" is not supported by Rackpilot (yet): use volume, bind or tmpfs`);
}

/** A validated `volumes:` item (either syntax) as a mount; null if it does not parse (validation said why). */
export function mountOfNode(node: SourceNode): ServiceMount | null {
  const parsed = node.kind === 'map' ? parseVolumeLong(toPlain(node) as LongVolume) : node.kind === 'scalar' && typeof node.value === 'string' ? parseVolumeString(node.value) : null;
  return parsed?.ok ? parsed.value : null;
}
