import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseRange } from './file-response';
import { askForMacScript, echoSafe, installScript, localBootScript } from './ipxe-script';
import { parsePhoneHomeForm } from './phone-home-form';

describe('parseRange', () => {
  it.each([
    [undefined, null],
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=5-', { start: 5, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-1000', { start: 0, end: 99 }],
    ['bytes=90-1000', { start: 90, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=9-5', null],
    ['bytes=0-1,5-9', null],
    ['items=0-1', null],
    ['bytes=-', null],
  ] as const)('%s on 100 bytes → %j', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});

describe('iPXE scripts', () => {
  it('keep echoed text from being expanded by iPXE', () => {
    expect(echoSafe('a ${net0/mac} #b; c\nd')).toBe('a ??net0/mac? ?b? c?d');
  });
  it('boot a kernel with its initrd and fall back to the disk on failure', () => {
    const s = installScript('n1', 'P', { kernelUrl: 'http://s/k', initrdUrl: 'http://s/i', cmdline: 'a=b ds=nocloud-net;s=http://s/x/' });
    expect(s).toBe(
      '#!ipxe\necho Rackpilot: installing P on n1\nkernel http://s/k initrd=initrd a=b ds=nocloud-net;s=http://s/x/ || goto failed\ninitrd --name initrd http://s/i || goto failed\nboot || goto failed\n:failed\necho Rackpilot: could not boot the installer for n1; booting the local disk in 10 s\nsleep 10\nexit\n',
    );
    expect(localBootScript('n1', 'sanboot')).toContain('sanboot --no-describe --drive 0x80 || exit');
    expect(askForMacScript('http://s:1')).toContain('http://s:1/boot.ipxe?mac=${netX/mac}');
  });
});

describe('parsePhoneHomeForm', () => {
  const key = (type: string) => {
    const name = Buffer.from(type);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(name.length);
    return `${type} ${Buffer.concat([len, name, randomBytes(32)]).toString('base64')} root@host\n`;
  };
  it('reads the fields cloud-init posts, skipping N/A and DSA', () => {
    const body = new URLSearchParams({ pub_key_dsa: 'ssh-dss AAAA', pub_key_rsa: 'N/A', pub_key_ecdsa: key('ecdsa-sha2-nistp256'), pub_key_ed25519: key('ssh-ed25519'), instance_id: 'i-1', hostname: 'n1', fqdn: 'N/A' }).toString();
    const r = parsePhoneHomeForm(body);
    expect(r.ok && r.form.hostKeys.map((k) => k.type)).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256']);
    expect(r.ok && r.form).toMatchObject({ hostname: 'n1', instanceId: 'i-1' });
    expect(r.ok && 'fqdn' in r.form).toBe(false);
  });
  it('rejects a key field that is not a key, and a key whose blob names another type', () => {
    expect(parsePhoneHomeForm('pub_key_rsa=hello')).toEqual({ ok: false, message: expect.stringContaining('pub_key_rsa') });
    const mismatched = key('ssh-ed25519').replace(/^ssh-ed25519/, 'ssh-rsa');
    expect(parsePhoneHomeForm(new URLSearchParams({ pub_key_rsa: mismatched }).toString()).ok).toBe(false);
  });
});
