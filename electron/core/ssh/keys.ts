/**
 * Rackpilot's own SSH identity: an ed25519 key pair made on first use and kept in the data dir.
 * The private key lives only inside a RackpilotKey's private field: it has no getter, and
 * JSON/inspect show the public half only, so it cannot leak into logs, events or API output.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inspect } from 'node:util';
import { utils, type ConnectConfig } from 'ssh2';
import type { SshPublicKey } from '../../../shared/domain/ssh';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { parsePublicKey } from '../nodes/host-keys';
import { plainSecretBox, type SecretBox } from './secret-box';

export const KEY_FILE = 'ssh/rackpilot_ed25519';

export interface KeyStoreOptions {
  dataDir: string;
  /** Seals the private key file; plain (0600 file) when absent. */
  box?: SecretBox;
  /** Encrypts the OpenSSH key itself (bcrypt-pbkdf + aes256-ctr), as `ssh-keygen -N` does. */
  passphrase?: string;
  comment?: string;
}

export class RackpilotKey {
  readonly #privateKey: string;
  readonly #passphrase: string | undefined;

  constructor(privateKey: string, passphrase: string | undefined, readonly publicKey: SshPublicKey) {
    this.#privateKey = privateKey;
    this.#passphrase = passphrase;
  }

  /** The ssh2 options that authenticate with this key; for the connection layer only. */
  connectOptions(): Pick<ConnectConfig, 'privateKey' | 'passphrase'> {
    return { privateKey: this.#privateKey, passphrase: this.#passphrase };
  }

  toJSON(): SshPublicKey {
    return this.publicKey;
  }

  toString(): string {
    return `RackpilotKey(${this.publicKey.fingerprint})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Loads the key pair from the data dir, creating it the first time. */
export function loadOrCreateKey(opts: KeyStoreOptions): RackpilotKey {
  const box = opts.box ?? plainSecretBox;
  const file = join(opts.dataDir, KEY_FILE);
  if (!existsSync(file)) writeKeyPair(file, box, opts);
  return readKeyPair(file, box, opts.passphrase);
}

function writeKeyPair(file: string, box: SecretBox, opts: KeyStoreOptions): void {
  const pair = generateParsableKeyPair(opts);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Write under a temporary name with mode 0600 from the start, then rename: the key is never
  // readable by others, and a crash never leaves half a key behind.
  writeSealed(file, box, pair.private);
  writeFileSync(`${file}.pub`, pair.public.trim() + '\n', { mode: 0o644 });
}

/**
 * A sealed key file names its box on the first line, so a data dir moved between the desktop
 * app (OS keychain) and the headless server (plain file) gives a clear message, not garbage. A
 * plain file is the OpenSSH key as it is, usable with `ssh -i`.
 */
const SEALED_HEADER = 'RACKPILOT-SEALED-KEY ';

function writeSealed(file: string, box: SecretBox, privateKey: string): void {
  const body = box.kind === plainSecretBox.kind ? Buffer.from(privateKey) : Buffer.from(`${SEALED_HEADER}${box.kind}\n${box.encrypt(Buffer.from(privateKey)).toString('base64')}\n`);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, body, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

function unseal(file: string, box: SecretBox): string {
  const raw = readFileSync(file);
  const text = raw.toString('utf8');
  if (!text.startsWith(SEALED_HEADER)) {
    // A plain key and a box that can do better (the desktop app's keychain): seal it now.
    if (box.kind !== plainSecretBox.kind) writeSealed(file, box, text);
    return text;
  }
  const [header = '', sealed = ''] = text.split('\n');
  const kind = header.slice(SEALED_HEADER.length).trim();
  if (kind !== box.kind) {
    throw new Error(`the key is sealed with ${kind}, which this Rackpilot cannot open (it has ${box.kind}); start the Rackpilot that created it (the desktop app for safeStorage)`);
  }
  return box.decrypt(Buffer.from(sealed, 'base64')).toString('utf8');
}

/**
 * ssh2's generator now and then (about 3 in 1,000 here) writes an ed25519 key its own parser
 * rejects as "Malformed OpenSSH private key" — seen as a rare CI failure. A key that cannot be
 * read back is useless, so check each one and generate again; ten misses in a row means
 * something else is wrong.
 */
function generateParsableKeyPair(opts: KeyStoreOptions): { private: string; public: string } {
  const comment = opts.comment ?? 'rackpilot';
  for (let attempt = 0; attempt < 10; attempt++) {
    const pair = opts.passphrase
      ? utils.generateKeyPairSync('ed25519', { comment, passphrase: opts.passphrase, cipher: 'aes256-ctr', rounds: 16 })
      : utils.generateKeyPairSync('ed25519', { comment });
    if (!(utils.parseKey(pair.private, opts.passphrase) instanceof Error)) return pair;
  }
  throw new RackpilotError(ErrorCode.Internal, 'Could not generate an SSH key that reads back; check the ssh2 module.');
}

function readKeyPair(file: string, box: SecretBox, passphrase: string | undefined): RackpilotKey {
  let privateKey: string;
  try {
    privateKey = unseal(file, box);
  } catch (err) {
    throw new RackpilotError(
      ErrorCode.Internal,
      `Rackpilot's SSH key at ${file} cannot be unsealed (${box.kind}: ${(err as Error).message}). If the OS keychain changed, move the file away and Rackpilot makes a new key (nodes then need the new public key).`,
    );
  }
  const parsed = utils.parseKey(privateKey, passphrase);
  if (parsed instanceof Error) {
    // The parser's message names the problem (bad passphrase, unsupported format), never the key.
    throw new RackpilotError(ErrorCode.Internal, `Rackpilot's SSH key at ${file} cannot be read: ${parsed.message}. Check the passphrase, or move the file away to make a new key.`);
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key) throw new RackpilotError(ErrorCode.Internal, `Rackpilot's SSH key at ${file} holds no key. Move the file away to make a new key.`);
  const blob = key.getPublicSSH().toString('base64');
  const publicKey = parsePublicKey(`${key.type} ${blob}`);
  if (!publicKey) throw new RackpilotError(ErrorCode.Internal, `Rackpilot's SSH key at ${file} is of an unsupported type (${key.type}).`);
  const authorizedKey = `${publicKey.type} ${publicKey.key}${key.comment ? ' ' + key.comment : ''}`;
  return new RackpilotKey(privateKey, passphrase, { ...publicKey, authorizedKey });
}
