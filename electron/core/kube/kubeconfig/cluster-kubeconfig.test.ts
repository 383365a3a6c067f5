import { KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clusterKubeconfig } from './cluster-kubeconfig';
import { adminConf, issueAdminCert, makeCa, type TestCert } from './fixtures/test-pki';

let ca: TestCert;
let client: TestCert;
let admin: string;
const b64 = (pem: string) => Buffer.from(pem).toString('base64');

beforeAll(() => {
  ca = makeCa();
  client = issueAdminCert(ca);
  admin = adminConf({ ca, client, server: 'https://10.0.0.11:6443', clusterName: 'lab' });
});

describe('clusterKubeconfig', () => {
  it('points the admin.conf kubeadm wrote at the endpoint and names everything after the cluster', () => {
    const { yaml, contextName } = clusterKubeconfig(admin, { clusterName: 'lab', endpoint: '192.168.50.10:6443' });
    expect(contextName).toBe('lab');
    const kc = new KubeConfig();
    kc.loadFromString(yaml);
    expect(kc.getCurrentContext()).toBe('lab');
    expect(kc.getContexts()).toEqual([{ name: 'lab', cluster: 'lab', user: 'lab-admin', namespace: undefined }]);
    const cluster = kc.getCurrentCluster();
    expect(cluster?.name).toBe('lab');
    expect(cluster?.server).toBe('https://192.168.50.10:6443');
    expect(cluster?.caData).toBe(b64(ca.certPem));
    const user = kc.getCurrentUser();
    expect(user?.name).toBe('lab-admin');
    expect(user?.certData).toBe(b64(client.certPem));
    expect(user?.keyData).toBe(b64(client.keyPem));
    // Nothing of kubeadm's fixed names is left to collide with another cluster's file.
    expect(yaml).not.toContain('kubernetes-admin');
  });

  it('accepts an IPv6 endpoint and an endpoint given as a URL', () => {
    const v6 = parse(clusterKubeconfig(admin, { clusterName: 'lab', endpoint: '[fd00::10]:6443' }).yaml);
    expect(v6.clusters[0].cluster.server).toBe('https://[fd00::10]:6443');
    const url = parse(clusterKubeconfig(admin, { clusterName: 'lab', endpoint: 'https://cp.lab.internal:6443/' }).yaml);
    expect(url.clusters[0].cluster.server).toBe('https://cp.lab.internal:6443');
    expect(() => clusterKubeconfig(admin, { clusterName: 'lab', endpoint: 'cp lab:6443' })).toThrow(/not a host:port/);
  });

  it('refuses files that are not a kubeadm admin kubeconfig, saying what is wrong', () => {
    const attempt = (text: string) => () => clusterKubeconfig(text, { clusterName: 'lab', endpoint: '10.0.0.11:6443' });
    expect(attempt('clusters: [\n')).toThrow(/not valid YAML/);
    expect(attempt('apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n')).toThrow(/kind is "Pod"/);
    expect(attempt(admin.replace(/^users:[\s\S]*$/m, ''))).toThrow(/lacks clusters, users or contexts/);
    const caFile = admin.replace(/certificate-authority-data: .*/, 'certificate-authority: /etc/kubernetes/pki/ca.crt');
    expect(attempt(caFile)).toThrow(/no embedded CA certificate/);
    const exec = admin.replace(/client-certificate-data: .*\n.*client-key-data: .*/, 'exec: {apiVersion: client.authentication.k8s.io/v1, command: /tmp/evil}');
    expect(attempt(exec)).toThrow(/no embedded client certificate and key/);
    const notPem = admin.replace(/certificate-authority-data: .*/, `certificate-authority-data: ${b64('hello')}`);
    expect(attempt(notPem)).toThrow(/no embedded CA certificate/);
    let code = '';
    try {
      attempt('{}')();
    } catch (err) {
      code = (err as { code: string }).code;
    }
    expect(code).toBe('E_VALIDATION');
  });
});
