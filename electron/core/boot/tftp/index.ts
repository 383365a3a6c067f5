/** Public surface of the TFTP service, for the boot composition root. */
export { startTftpServer, type TftpServer, type TftpServerOptions, type TftpServerStatus } from './server';
export type { TftpTransferEvent } from './serve-read';
export type { GeneratedFile, GeneratedFiles, GeneratedResolver, TftpClient } from './resolve-file';
export { DEFAULT_TFTP_LIMITS, type TftpLimits } from './limits';
export { findIpxeBinaries, DEBIAN_IPXE_DIR, IPXE_BINARIES, type IpxeBinariesReport } from './ipxe-binaries';
