/** Result of the node connectivity check job: can we reach the node's SSH port at all? */
export interface ConnectivityResult {
  address: string;
  /** Address the name resolved to (same as address for IPs). */
  resolved: string;
  port: number;
  /** TCP connect time in milliseconds. */
  connectMs: number;
  /** The SSH identification line the server sent, e.g. `SSH-2.0-OpenSSH_9.2p1 Debian-2`. */
  banner: string;
}
