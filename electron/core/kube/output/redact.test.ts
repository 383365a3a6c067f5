import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactKubeadmOutput } from './redact';

const dir = join(__dirname, 'fixtures');
const fixture = (name: string) => readFileSync(join(dir, name), 'utf8');

const TOKENS = ['rb6uj0.3dconpkn6vn54uj6', 'dqxfad.8yex4771okmsp5lo', 'ka2opz.ttvxrnil9r4tbhsf'];
const KEYS = ['d92743ed1f8b937f9ae20ece2ebb0c1436db1b6a773cdb2b74800e2374b4ea32', 'f4f09d334124aca68a2e41c2f46c714626aafcf0ec00edf56840bfe064bd9bb5'];
const TOKEN_SECRETS = TOKENS.map((t) => t.split('.')[1] as string);

describe('redactKubeadmOutput', () => {
  it('leaves no token secret and no certificate key in any fixture', () => {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.txt'))) {
      const out = redactKubeadmOutput(fixture(name));
      for (const secret of [...TOKEN_SECRETS, ...KEYS]) expect(out, `${name} still holds ${secret}`).not.toContain(secret);
    }
  });

  it('masks the HA init output in place, keeping token ids and public CA hashes', () => {
    const out = redactKubeadmOutput(fixture('init-success-ha-v1.31.txt'));
    expect(out).toContain(`[bootstrap-token] Using token: rb6uj0.${REDACTED}`);
    expect(out).toContain(`[upload-certs] Using certificate key:\n${REDACTED}\n`);
    expect(out).toContain(`--control-plane --certificate-key ${REDACTED}`);
    expect(out).toContain('sha256:9c45c874562dfe48954473e83fbff28620891faed38c999c779fb39f0bc81681');
  });

  it('masks keys in config and flag forms, and leaves other hex alone', () => {
    const [key] = KEYS as [string];
    expect(redactKubeadmOutput(`certificateKey: "${key}"`)).toBe(`certificateKey: "${REDACTED}"`);
    expect(redactKubeadmOutput(`--certificate-key=${key}`)).toBe(`--certificate-key=${REDACTED}`);
    expect(redactKubeadmOutput(`  ${key}  `)).toBe(`  ${REDACTED}  `);
    const containerLine = `RunPodSandbox failed for 64727a3e9a194101ac2491a955f0bba330e466ddd7df5bbcd3b2bb67226c3770 in pod x`;
    expect(redactKubeadmOutput(containerLine)).toBe(containerLine);
  });

  it('masks tokens in every form kubeadm prints them, and not look-alikes', () => {
    expect(redactKubeadmOutput('token: ka2opz.ttvxrnil9r4tbhsf')).toBe(`token: ka2opz.${REDACTED}`);
    expect(redactKubeadmOutput('--discovery-token=ka2opz.ttvxrnil9r4tbhsf,')).toBe(`--discovery-token=ka2opz.${REDACTED},`);
    expect(redactKubeadmOutput('image registry.k8s.io/kube-apiserver:v1.31.9')).toBe('image registry.k8s.io/kube-apiserver:v1.31.9');
    expect(redactKubeadmOutput('xka2opz.ttvxrnil9r4tbhsf')).toBe('xka2opz.ttvxrnil9r4tbhsf');
  });
});
