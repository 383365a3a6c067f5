import { describe, expect, it } from 'vitest';
import { parsePortLong, parsePortString } from './ports';

const tcp = (target: number, published: number | null, hostIp = '') => ({ target, published, hostIp, protocol: 'tcp' });

describe('port mappings', () => {
  it.each([
    ['80', [tcp(80, null)]],
    ['8080:80', [tcp(80, 8080)]],
    ['127.0.0.1:8080:80', [tcp(80, 8080, '127.0.0.1')]],
    ['127.0.0.1::80', [tcp(80, null, '127.0.0.1')]],
    ['[::1]:8080:80', [tcp(80, 8080, '::1')]],
    ['53:53/udp', [{ target: 53, published: 53, hostIp: '', protocol: 'udp' }]],
    ['8000-8002:9000-9002', [tcp(9000, 8000), tcp(9001, 8001), tcp(9002, 8002)]],
    ['7000-7001', [tcp(7000, null), tcp(7001, null)]],
  ])('short syntax %s', (spec, mappings) => {
    expect(parsePortString(spec)).toEqual({ ok: true, value: mappings });
  });

  it.each([
    ['abc', '"abc" is not a container port (a number 1–65535, or a range like 8000-8010)'],
    ['8080:70000', 'container port 70000 is out of range (1–65535, low-high)'],
    ['8000-8010:80', 'a range of host ports for one container port (the engine picking one) is not supported: publish one host port'],
    ['8000-8001:80-82', 'the host and container port ranges differ in length: make them the same length'],
    ['80/sctp', 'protocol "sctp" is not supported: use tcp or udp'],
    ['::1:8080:80', '"::1:8080:80" has too many ":"; an IPv6 host address goes in brackets: [::1]:8080:80'],
  ])('rejects %s', (spec, error) => {
    expect(parsePortString(spec)).toEqual({ ok: false, error });
  });

  it('long syntax, with interpolated (string) numbers and both modes', () => {
    expect(parsePortLong({ target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'udp', mode: 'host' })).toEqual({
      ok: true,
      value: [{ target: 80, published: 8080, hostIp: '127.0.0.1', protocol: 'udp' }],
    });
    expect(parsePortLong({ target: '443', mode: 'ingress' })).toEqual({ ok: true, value: [tcp(443, null)] });
    expect(parsePortLong({ target: 'http' })).toEqual({ ok: false, error: 'target: "http" is not a whole number' });
    expect(parsePortLong({ target: 80, mode: 'global' })).toEqual({ ok: false, error: 'mode "global" is not a port mode: use host or ingress' });
  });
});
