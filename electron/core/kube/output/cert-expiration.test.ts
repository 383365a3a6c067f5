import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCertExpiration } from './cert-expiration';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('parseCertExpiration', () => {
  it('reads every certificate and CA row of a healthy cluster', () => {
    const { certificates, authorities } = parseCertExpiration(fixture('certs-check-expiration.txt'));
    expect(certificates.map((c) => c.name)).toEqual([
      'admin.conf',
      'apiserver',
      'apiserver-etcd-client',
      'apiserver-kubelet-client',
      'controller-manager.conf',
      'etcd-healthcheck-client',
      'etcd-peer',
      'etcd-server',
      'front-proxy-client',
      'scheduler.conf',
      'super-admin.conf',
    ]);
    expect(certificates[0]).toEqual({
      name: 'admin.conf',
      present: true,
      expires: 'Nov 23, 2027 09:17 UTC',
      expiresAt: '2027-11-23T09:17:00.000Z',
      residual: '364d',
      residualSeconds: 364 * 86_400,
      expired: false,
      certificateAuthority: 'ca',
      externallyManaged: false,
    });
    expect(certificates.find((c) => c.name === 'etcd-peer')?.certificateAuthority).toBe('etcd-ca');
    expect(authorities.map((a) => [a.name, a.expiresAt, a.residual, a.certificateAuthority])).toEqual([
      ['ca', '2036-11-21T09:16:00.000Z', '9y', null],
      ['etcd-ca', '2036-11-21T09:16:00.000Z', '9y', null],
      ['front-proxy-ca', '2036-11-21T09:16:00.000Z', '9y', null],
    ]);
  });

  it('marks expired (<invalid>) and missing rows, and externally managed CAs', () => {
    const { certificates, authorities } = parseCertExpiration(fixture('certs-check-expiration-expired.txt'));
    expect(certificates.filter((c) => c.expired).map((c) => c.name)).toHaveLength(6);
    expect(certificates.find((c) => c.name === 'apiserver')).toMatchObject({ expired: true, residual: '<invalid>', expiresAt: '2023-03-15T01:58:00.000Z' });
    expect(certificates.find((c) => c.name === 'apiserver-etcd-client')).toMatchObject({ present: false, expires: null, expired: false });
    expect(authorities.map((a) => [a.name, a.present, a.externallyManaged])).toEqual([
      ['ca', true, false],
      ['etcd-ca', false, false],
      ['front-proxy-ca', true, true],
    ]);
  });

  it('reads old rows without a CA column and leaves non-UTC dates unparsed', () => {
    const text = [
      'CERTIFICATE                EXPIRES                  RESIDUAL TIME   EXTERNALLY MANAGED',
      'admin.conf                 Dec 30, 2020 23:36 UTC   364d            no',
      'apiserver                  Dec 30, 2020 23:36 CET   23h             no',
    ].join('\n');
    const { certificates } = parseCertExpiration(text);
    expect(certificates.map((c) => [c.certificateAuthority, c.expiresAt, c.residualSeconds])).toEqual([
      [null, '2020-12-30T23:36:00.000Z', 364 * 86_400],
      [null, null, 23 * 3600],
    ]);
  });

  it('returns empty tables for text without them', () => {
    expect(parseCertExpiration(fixture('init-success-v1.33.txt'))).toEqual({ certificates: [], authorities: [] });
  });
});
