/**
 * The desktop app's SecretBox: Electron's safeStorage, i.e. the OS keychain (macOS Keychain,
 * Windows DPAPI, libsecret/kwallet on Linux). On Linux without a keyring safeStorage falls back to
 * a hard-coded password ("basic_text"), which protects nothing — then the plain 0600 file is the
 * honest choice and the log says so. Call after the app is ready.
 */
import { safeStorage } from 'electron';
import type { Logger } from './core/log';
import type { SecretBox } from './core/ssh/secret-box';

export function safeStorageBox(log: Logger): SecretBox | undefined {
  if (!safeStorage.isEncryptionAvailable()) {
    log.warn('OS keychain not available: the SSH key is kept as a 0600 file');
    return undefined;
  }
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    log.warn('no keyring (gnome-keyring/kwallet) found: the SSH key is kept as a 0600 file');
    return undefined;
  }
  return {
    kind: 'safeStorage',
    encrypt: (plain) => safeStorage.encryptString(plain.toString('utf8')),
    decrypt: (sealed) => Buffer.from(safeStorage.decryptString(sealed), 'utf8'),
  };
}
