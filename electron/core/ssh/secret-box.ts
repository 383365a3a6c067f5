/**
 * How a secret is sealed at rest. The Electron shell supplies one backed by safeStorage (the OS
 * keychain); headless, the plain box stores bytes as they are and the 0600 file mode is the
 * protection (DESIGN §10). The core never imports electron, hence the interface.
 */
export interface SecretBox {
  /** A short name for logs and the key file's header, e.g. "safeStorage" or "plain". */
  readonly kind: string;
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
}

export const plainSecretBox: SecretBox = {
  kind: 'plain',
  encrypt: (plain) => Buffer.from(plain),
  decrypt: (sealed) => Buffer.from(sealed),
};
