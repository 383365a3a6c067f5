/**
 * Addresses as people type them. Pure functions: used by zod schemas on both sides so the form
 * shows the same message the core would send back.
 */

const MAC_SHAPES: RegExp[] = [
  /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$/i, // Cisco dotted
  /^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i, // bare, as BMCs print it
];

export type MacResult = { ok: true; mac: string } | { ok: false; message: string };

/**
 * Normalise a MAC to lower-case colon form. Colon, dash, Cisco-dotted and bare hex are accepted
 * in any case; a mixture of separators is not (it is almost always a typo).
 */
export function normaliseMac(input: string): MacResult {
  const text = input.trim();
  const example = 'use six pairs of hex digits, e.g. 52:54:00:12:34:56';
  if (text === '') return { ok: false, message: `MAC address is required: ${example}` };
  if (/[:-]/.test(text) && new Set(text.match(/[:-]/g)).size > 1) {
    return { ok: false, message: `"${text}" mixes ":" and "-" separators: ${example}` };
  }
  for (const shape of MAC_SHAPES) {
    const m = shape.exec(text);
    if (!m) continue;
    const octets = m.slice(1, 7).map((o) => o.toLowerCase());
    const mac = octets.join(':');
    // A NIC's own address never has the group bit set; such a value is a multicast or broadcast.
    if ((parseInt(octets[0] ?? '0', 16) & 1) === 1) {
      return { ok: false, message: `${mac} is a multicast/broadcast address, not a network card's MAC` };
    }
    if (mac === '00:00:00:00:00:00') return { ok: false, message: '00:00:00:00:00:00 is not a real MAC address' };
    return { ok: true, mac };
  }
  return { ok: false, message: `"${text}" is not a MAC address: ${example}` };
}

export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return (
    parts.length === 4 &&
    parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)
  );
}

export function isIPv6(text: string): boolean {
  let s = text;
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  if (!/^[0-9a-f:.]+$/i.test(s) || s.split('::').length > 2) return false;
  let groups = s.split(':');
  const last = groups[groups.length - 1] ?? '';
  let needed = 8;
  if (last.includes('.')) {
    if (!isIPv4(last)) return false;
    groups = groups.slice(0, -1);
    needed = 6;
  }
  if (s.includes('::')) {
    const filled = groups.filter((g) => g !== '');
    return filled.length < needed && filled.every((g) => /^[0-9a-f]{1,4}$/i.test(g));
  }
  return groups.length === needed && groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g));
}

/** RFC 1123 host name: labels of letters, digits and inner hyphens, 253 characters at most. */
export function isHostname(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const labels = text.replace(/\.$/, '').split('.');
  // An all-numeric dotted name is a mistyped IPv4 address, not a host name.
  if (labels.every((l) => /^[0-9]+$/.test(l))) return false;
  return labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(l));
}

export type AddressResult = { ok: true; address: string } | { ok: false; message: string };

/** An IP address or a host name, as the SSH layer will dial it. */
export function checkAddress(input: string): AddressResult {
  const text = input.trim();
  if (isIPv4(text) || isIPv6(text)) return { ok: true, address: text.toLowerCase() };
  if (/^[0-9.]+$/.test(text)) {
    return { ok: false, message: `"${text}" is not a valid IPv4 address (four numbers 0-255, e.g. 192.168.1.20)` };
  }
  if (isHostname(text)) return { ok: true, address: text.toLowerCase().replace(/\.$/, '') };
  return {
    ok: false,
    message: `"${text}" is neither an IP address nor a host name (letters, digits, hyphens and dots)`,
  };
}
