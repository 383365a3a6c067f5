/** TFTP for the iPXE binaries (DESIGN §5.5): bundled assets first, then Debian's, then the user's folder. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BootConfig } from '../../../shared/domain/boot';
import type { Logger } from '../log';
import type { BootStatus } from '../../../shared/domain/boot';
import type { ServiceStarter } from './boot-service';
import { DEBIAN_IPXE_DIR, findIpxeBinaries, startTftpServer, type TftpTransferEvent } from './tftp';

export function ipxeRoots(assetsDir: string | null, config: BootConfig): string[] {
  const bundled = assetsDir ? join(assetsDir, 'ipxe') : null;
  return [bundled, DEBIAN_IPXE_DIR, config.ipxeFolder].filter((r): r is string => !!r && existsSync(r));
}

/** First copy of an iPXE binary in the search roots (for UEFI HTTP boot over /ipxe/<name>). */
export function ipxeBinaryPath(assetsDir: string | null, config: BootConfig, name: string): string | null {
  if (!/^[\w.-]+$/.test(name)) return null;
  for (const root of ipxeRoots(assetsDir, config)) {
    const path = join(root, name);
    if (existsSync(path)) return path;
  }
  return null;
}

/**
 * TFTP serves exactly the iPXE binaries (DESIGN §5.5), loaded into memory when it starts. Serving
 * them from disk would trip the symlink guard on Debian, whose /usr/lib/ipxe/ipxe.efi is a link
 * to /boot/ipxe.efi — and a fixed set of ~2 MB needs no file system access per request anyway.
 */
export function tftpStarter(assetsDir: string | null, log: Logger, onEvent: (e: TftpTransferEvent) => void): ServiceStarter {
  return async (config) => {
    const report = await findIpxeBinaries(ipxeRoots(assetsDir, config));
    const generated = new Map(await Promise.all(report.found.map(async (f) => [f.name, await readFile(f.path)] as const)));
    if (report.missing.length) log.warn(`TFTP: ${report.message}`);
    const server = await startTftpServer({ host: config.serverAddress, port: config.ports.tftp, roots: [], generated, onEvent, log });
    return { address: config.serverAddress, port: server.port, close: () => server.close() };
  };
}

export async function ipxeStatus(assetsDir: string | null, config: BootConfig): Promise<BootStatus['ipxe']> {
  const report = await findIpxeBinaries(ipxeRoots(assetsDir, config));
  return { found: report.found.map((f) => f.name), missing: report.missing, message: report.missing.length ? report.message : null };
}
