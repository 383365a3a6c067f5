import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJoinCommand, parseJoinCommands, parseUploadCertsKey } from './join-command';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

const HASH = 'sha256:9c45c874562dfe48954473e83fbff28620891faed38c999c779fb39f0bc81681';
const INIT_KEY = 'd92743ed1f8b937f9ae20ece2ebb0c1436db1b6a773cdb2b74800e2374b4ea32';

describe('parseJoinCommand', () => {
  it('reads both commands of an HA init (tab-indented continuations) and keeps the certificate key', () => {
    const text = fixture('init-success-ha-v1.31.txt');
    expect(parseJoinCommands(text).map((c) => c.controlPlane)).toEqual([true, false]);
    expect(parseJoinCommand(text)).toEqual({
      endpoint: 'k8s.lab:6443',
      token: 'rb6uj0.3dconpkn6vn54uj6',
      caCertHashes: [HASH],
      certificateKey: INIT_KEY,
    });
  });

  it('reads the worker-only command of a single control-plane init', () => {
    expect(parseJoinCommand(fixture('init-success-v1.33.txt'))).toEqual({
      endpoint: '192.168.3.179:6443',
      token: 'dqxfad.8yex4771okmsp5lo',
      caCertHashes: ['sha256:66ae9e6395cb808dd241f4db6c7fe7ea5783b411868cd9faf2a4268c1bea6b77'],
    });
  });

  it('reads token create --print-join-command (one line, trailing space), worker and control-plane', () => {
    expect(parseJoinCommand(fixture('token-create-print-join-command.txt'))).toEqual({
      endpoint: '192.168.50.11:6443',
      token: 'ka2opz.ttvxrnil9r4tbhsf',
      caCertHashes: [HASH],
    });
    expect(parseJoinCommand(fixture('token-create-print-join-command-control-plane.txt'))?.certificateKey).toBe(
      'f4f09d334124aca68a2e41c2f46c714626aafcf0ec00edf56840bfe064bd9bb5',
    );
  });

  it('reads the old form with the endpoint after --token', () => {
    expect(parseJoinCommand(fixture('init-success-legacy-v1.10.txt'))).toMatchObject({ endpoint: '10.4.123.75:6443', token: 'rb6uj0.3dconpkn6vn54uj6' });
  });

  it('takes --flag=value, repeated hashes, IPv6 endpoints and ignores other flags', () => {
    const line = `kubeadm join [fd00::10]:6443 --cri-socket=unix:///run/containerd/containerd.sock --token=ka2opz.ttvxrnil9r4tbhsf --discovery-token-ca-cert-hash ${HASH} --discovery-token-ca-cert-hash ${HASH.replace('9c', 'ab')}`;
    expect(parseJoinCommand(line)).toEqual({ endpoint: '[fd00::10]:6443', token: 'ka2opz.ttvxrnil9r4tbhsf', caCertHashes: [HASH, HASH.replace('9c', 'ab')] });
  });

  it('returns null without a usable command: none, withheld token (--skip-token-print), malformed token', () => {
    expect(parseJoinCommand(fixture('upload-certs.txt'))).toBeNull();
    expect(parseJoinCommand(`kubeadm join 10.0.0.1:6443 --token <value withheld> --discovery-token-ca-cert-hash ${HASH}`)).toBeNull();
    expect(parseJoinCommand(`kubeadm join 10.0.0.1:6443 --token ABCDEF.0123456789abcdef`)).toBeNull();
  });

  it('drops a certificate key outside a control-plane command and malformed hashes', () => {
    const cmd = parseJoinCommand(`kubeadm join 10.0.0.1:6443 --token ka2opz.ttvxrnil9r4tbhsf --discovery-token-ca-cert-hash sha256:abc --certificate-key ${INIT_KEY}`);
    expect(cmd).toEqual({ endpoint: '10.0.0.1:6443', token: 'ka2opz.ttvxrnil9r4tbhsf', caCertHashes: [] });
  });
});

describe('parseUploadCertsKey', () => {
  it('reads the key from upload-certs and from init --upload-certs', () => {
    expect(parseUploadCertsKey(fixture('upload-certs.txt'))).toBe('f4f09d334124aca68a2e41c2f46c714626aafcf0ec00edf56840bfe064bd9bb5');
    expect(parseUploadCertsKey(fixture('init-success-ha-v1.31.txt'))).toBe(INIT_KEY);
  });

  it('returns null when certs were not uploaded', () => {
    expect(parseUploadCertsKey(fixture('init-success-v1.33.txt'))).toBeNull();
  });
});
