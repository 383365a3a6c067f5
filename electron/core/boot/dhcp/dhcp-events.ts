/** What the DHCP services report to the caller: the lead maps these onto node timelines. */
import type { ClientInfo } from './client-info';

export type DhcpEvent =
  | { kind: 'boot-offer'; mac: string; client: ClientInfo; bootFile: string; via: 'dhcp' | 'pxe'; to: string }
  | { kind: 'boot-ignored'; mac: string; client: ClientInfo; reason: string }
  | { kind: 'lease-offer' | 'lease-ack'; mac: string; ip: string; hostname?: string }
  | { kind: 'lease-nak'; mac: string; ip: string; reason: string }
  | { kind: 'lease-release' | 'lease-decline'; mac: string; ip: string };

export type DhcpEventSink = (e: DhcpEvent) => void;
