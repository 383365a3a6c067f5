import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caCertHash } from './ca-hash';

// Real certificates from openssl, hashed the way kubeadm's docs say to compute the pin.
const dir = mkdtempSync(join(tmpdir(), 'rackpilot-ca-hash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeCa(name: string, keyAlg: string[]): string {
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  execFileSync('openssl', ['req', '-x509', '-nodes', '-newkey', ...keyAlg, '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=kubernetes'], { stdio: 'pipe' });
  return crt;
}

function opensslPin(crt: string): string {
  const hex = execSync(`openssl x509 -pubkey -noout -in '${crt}' | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1`).toString().trim();
  return `sha256:${hex}`;
}

describe('caCertHash', () => {
  it.each([
    ['rsa', ['rsa:2048']],
    ['ecdsa', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']],
  ])('matches openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256sum for an %s CA', (name, alg) => {
    const crt = makeCa(name, alg);
    const pin = caCertHash(readFileSync(crt));
    expect(pin).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pin).toBe(opensslPin(crt));
  });

  it('tells two CAs apart', () => {
    expect(caCertHash(readFileSync(makeCa('one', ['rsa:2048'])))).not.toBe(caCertHash(readFileSync(makeCa('two', ['rsa:2048']))));
  });

  it('refuses something that is not a certificate', () => {
    expect(() => caCertHash('-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n')).toThrow();
  });
});
