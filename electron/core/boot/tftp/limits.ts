/** Tunables of the TFTP server, with defaults chosen for PXE boot of a rack. */
export interface TftpLimits {
  /** Largest blksize granted (RFC 2348). 1468 = the largest DATA that fits a 1500-byte MTU. */
  maxBlockSize: number;
  /** Largest windowsize granted (RFC 7440). */
  maxWindowSize: number;
  /** Retransmit timeout when the client asks for none (RFC 2349 `timeout` overrides it). */
  defaultTimeoutMs: number;
  /** Retransmissions of one window before a transfer is given up. */
  retries: number;
  /** Ceiling on one transfer's duration. */
  maxTransferMs: number;
  /** Concurrent transfers, all clients together (a boot storm of a whole rack fits). */
  maxTransfers: number;
  /** Concurrent transfers from one IP, so one runaway client cannot take every slot. */
  maxTransfersPerClient: number;
  /** netascii is converted in memory; larger files must be fetched in octet mode. */
  maxNetasciiBytes: number;
  /** Error replies to malformed or refused requests per second (a flood is not answered in full). */
  maxErrorRepliesPerSecond: number;
}

export const DEFAULT_TFTP_LIMITS: TftpLimits = {
  maxBlockSize: 1468,
  maxWindowSize: 16,
  defaultTimeoutMs: 1000,
  retries: 5,
  maxTransferMs: 10 * 60_000,
  maxTransfers: 256,
  maxTransfersPerClient: 8,
  maxNetasciiBytes: 8 * 1024 * 1024,
  maxErrorRepliesPerSecond: 200,
};

export function withDefaults(limits: Partial<TftpLimits> | undefined): TftpLimits {
  const l = { ...DEFAULT_TFTP_LIMITS, ...limits };
  // Clamp to what the RFCs allow, so a bad setting degrades instead of breaking clients.
  l.maxBlockSize = Math.max(8, Math.min(65464, Math.floor(l.maxBlockSize)));
  l.maxWindowSize = Math.max(1, Math.min(65535, Math.floor(l.maxWindowSize)));
  l.defaultTimeoutMs = Math.max(50, l.defaultTimeoutMs);
  l.retries = Math.max(0, Math.floor(l.retries));
  l.maxTransfers = Math.max(1, Math.floor(l.maxTransfers));
  l.maxTransfersPerClient = Math.max(1, Math.floor(l.maxTransfersPerClient));
  return l;
}
