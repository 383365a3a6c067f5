/**
 * Network boot configuration and status (DESIGN §5). proxyDHCP is the default: it only adds boot
 * information beside the router's DHCP. Full DHCP is an explicit choice for an isolated lab
 * network, and never starts beside another DHCP server unless forced.
 */
import { z } from 'zod';
import { isIPv4 } from './net';
import type { WireError } from '../protocol';

const ipv4 = z.string().trim().refine(isIPv4, 'Use an IPv4 address, e.g. 192.168.50.1');
const port = z.number().int().min(1, 'Port is 1-65535').max(65535, 'Port is 1-65535');

export const LOCAL_BOOT_METHODS = ['exit', 'sanboot', '404'] as const;
export type LocalBootMethod = (typeof LOCAL_BOOT_METHODS)[number];

export const bootConfigSchema = z.object({
  mode: z.enum(['proxy', 'dhcp']),
  /** This machine's IPv4 address on the lab network: the services bind to it and advertise it. */
  serverAddress: ipv4.or(z.literal('')),
  /** The interface that address is on (replies leave only there). */
  interfaceName: z.string().max(32),
  ports: z.object({ dhcp: port, proxy: port, tftp: port, http: port }),
  /** How a node without a pending install leaves iPXE: `exit` to firmware, sanboot the first disk, or a 404. */
  localBoot: z.enum(LOCAL_BOOT_METHODS),
  /** A folder with iPXE binaries, searched after the bundled ones and /usr/lib/ipxe. */
  ipxeFolder: z.string().max(4096).nullable(),
  /** Unknown machines that PXE boot are always recorded as discovered; this boots them into a discovery profile. */
  autoEnrol: z.boolean(),
  /** Full DHCP only: the pool handed out on the lab network. */
  dhcpPool: z
    .object({
      start: ipv4,
      end: ipv4,
      subnetMask: ipv4,
      router: ipv4.or(z.literal('')),
      dns: z.array(ipv4).max(4),
      leaseSeconds: z.number().int().min(60).max(7 * 86400),
    })
    .nullable(),
  /** Start full DHCP even though another DHCP server answered the probe. Dangerous on a home LAN. */
  forceDhcp: z.boolean(),
});
export type BootConfig = z.infer<typeof bootConfigSchema>;

export const DEFAULT_BOOT_CONFIG: BootConfig = {
  mode: 'proxy',
  serverAddress: '',
  interfaceName: '',
  ports: { dhcp: 67, proxy: 4011, tftp: 69, http: 8080 },
  localBoot: 'exit',
  ipxeFolder: null,
  autoEnrol: false,
  dhcpPool: null,
  forceDhcp: false,
};

export type BootServiceName = 'dhcp' | 'proxy-dhcp' | 'tftp' | 'http';

export interface BootServiceStatus {
  name: BootServiceName;
  state: 'stopped' | 'listening' | 'failed';
  address: string | null;
  port: number | null;
  /** Why it is not listening, e.g. E_PORT_PRIVILEGED with how to grant the capability. */
  error: WireError | null;
}

export interface NetworkInterfaceInfo {
  name: string;
  mac: string;
  addresses: { address: string; cidr: string }[];
}

export interface BootStatus {
  running: boolean;
  config: BootConfig;
  services: BootServiceStatus[];
  /** iPXE binaries found for TFTP, and what to do when some are missing. */
  ipxe: { found: string[]; missing: string[]; message: string | null };
}
