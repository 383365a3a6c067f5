/** IPv4 networks, as kubeadm, kube-controller-manager and flannel read them. */
import { isIP } from 'node:net';

const toNumber = (ip) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const toIp = (n) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
const mask = (prefix) => (prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0);

/** { network, prefix, text } or null when `text` is not an IPv4 CIDR (Go's net.ParseCIDR accepts host bits). */
export function parseCidr(text) {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(String(text ?? '').trim());
  if (!m || isIP(m[1]) !== 4 || Number(m[2]) > 32) return null;
  const prefix = Number(m[2]);
  const network = (toNumber(m[1]) & mask(prefix)) >>> 0;
  return { network, prefix, text: `${toIp(network)}/${prefix}` };
}

export const isIpv4 = (s) => isIP(String(s ?? '')) === 4;
export const isIpAddress = (s) => isIP(String(s ?? '')) !== 0;

export function overlaps(a, b) {
  const m = mask(Math.min(a.prefix, b.prefix));
  return ((a.network & m) >>> 0) === ((b.network & m) >>> 0);
}

/** Whether network `outer` contains all of `inner`. */
export function contains(outer, inner) {
  return inner.prefix >= outer.prefix && ((inner.network & mask(outer.prefix)) >>> 0) === outer.network;
}

/** The index-th subnet of size `prefix` inside `cidr` (the node-ipam allocator's order), or null when full. */
export function subnetAt(cidr, prefix, index) {
  if (prefix < cidr.prefix || index >= 2 ** (prefix - cidr.prefix)) return null;
  const network = (cidr.network + index * 2 ** (32 - prefix)) >>> 0;
  return { network, prefix, text: `${toIp(network)}/${prefix}` };
}

/** The n-th address of a network (10.96.0.0/12, 1 → 10.96.0.1: the kubernetes Service IP). */
export function addressAt(cidr, n) {
  return toIp((cidr.network + n) >>> 0);
}
