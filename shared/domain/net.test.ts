import { describe, expect, it } from 'vitest';
import { checkAddress, isHostname, isIPv4, isIPv6, normaliseMac } from './net';

describe('normaliseMac', () => {
  it.each([
    ['52:54:00:AB:cd:01', '52:54:00:ab:cd:01'],
    ['52-54-00-ab-cd-01', '52:54:00:ab:cd:01'],
    ['5254.00ab.cd01', '52:54:00:ab:cd:01'],
    ['525400ABCD01', '52:54:00:ab:cd:01'],
    ['  52:54:00:ab:cd:01 ', '52:54:00:ab:cd:01'],
  ])('accepts %s', (input, expected) => {
    expect(normaliseMac(input)).toEqual({ ok: true, mac: expected });
  });

  it.each([
    ['', /required/],
    ['52:54:00:ab:cd', /not a MAC address/],
    ['52:54:00-ab:cd:01', /mixes/],
    ['52:54:00:ab:cd:0g', /not a MAC address/],
    ['01:00:5e:00:00:01', /multicast/],
    ['ff:ff:ff:ff:ff:ff', /multicast\/broadcast/],
    ['00:00:00:00:00:00', /not a real MAC/],
  ])('refuses %j with a message saying why', (input, message) => {
    const r = normaliseMac(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});

describe('addresses', () => {
  it('tells IPv4 from things that look like it', () => {
    expect(isIPv4('192.168.1.20')).toBe(true);
    expect(isIPv4('10.0.0.256')).toBe(false);
    expect(isIPv4('10.0.0')).toBe(false);
    expect(isIPv4('010.0.0.1')).toBe(false);
  });

  it('parses IPv6 forms', () => {
    for (const ok of ['::1', 'fe80::1', '2001:db8::8a2e:370:7334', '::ffff:192.0.2.1', 'fe80::1%eth0', '1:2:3:4:5:6:7:8']) {
      expect(isIPv6(ok), ok).toBe(true);
    }
    for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'g::1', ':']) {
      expect(isIPv6(bad), bad).toBe(false);
    }
  });

  it('accepts RFC 1123 host names and refuses bad ones', () => {
    expect(isHostname('r720-01.lab.local')).toBe(true);
    expect(isHostname('-bad')).toBe(false);
    expect(isHostname('a'.repeat(64))).toBe(false);
    expect(isHostname('under_score')).toBe(false);
  });

  it('checkAddress normalises and explains', () => {
    expect(checkAddress(' R720-01.Lab ')).toEqual({ ok: true, address: 'r720-01.lab' });
    expect(checkAddress('192.168.1.300')).toMatchObject({ ok: false, message: expect.stringMatching(/not a valid IPv4/) });
    expect(checkAddress('my host')).toMatchObject({ ok: false, message: expect.stringMatching(/neither an IP address nor a host name/) });
  });
});
