/** TFTP for the iPXE binaries (DESIGN §5.5): bundled assets first, then Debian's, then the user's folder. */
import { existsSync } from 'node:fs';
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

export function tftpStarter(assetsDir: string | null, log: Logger, onEvent: (e: TftpTransferEvent) => void): ServiceStarter {
  return async (config) => {
    const server = await startTftpServer({ host: config.serverAddress, port: config.ports.tftp, roots: ipxeRoots(assetsDir, config), onEvent, log });
    return { address: config.serverAddress, port: server.port, close: () => server.close() };
  };
}

export async function ipxeStatus(assetsDir: string | null, config: BootConfig): Promise<BootStatus['ipxe']> {
  const report = await findIpxeBinaries(ipxeRoots(assetsDir, config));
  return { found: report.found.map((f) => f.name), missing: report.missing, message: report.missing.length ? report.message : null };
}
