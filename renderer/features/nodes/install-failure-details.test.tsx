import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../shared/domain/event';
import type { InstallFailureData } from '../../../shared/domain/install-failure';
import { currentInstallFailure } from './install-failure';
import { InstallFailureDetails } from './InstallFailureDetails';

const data: InstallFailureData = {
  timeoutMinutes: 60,
  armedAt: '2026-01-05T12:00:00.000Z',
  lastEvents: [
    { kind: 'boot.install-requested', summary: 'Install of r720-01 armed', ts: '2026-01-05T12:00:00.000Z' },
    { kind: 'boot.http', summary: 'served user-data (seed)', ts: '2026-01-05T12:05:00.000Z' },
  ],
  consoleTail: '\x1b[1;31mcloud-init\x1b[0m: phone_home failed\r\n',
};

describe('install failure details on the timeline', () => {
  it('shows the last events with their labels and the console without its escapes', () => {
    const html = renderToStaticMarkup(<InstallFailureDetails data={data} open />);
    expect(html).toContain('<details');
    expect(html).toContain(' open=""');
    expect(html).toContain('Last boot events and console');
    expect(html).toContain('<strong>Install armed</strong>: Install of r720-01 armed');
    expect(html).toContain('<strong>HTTP</strong>: served user-data (seed)');
    expect(html).toContain('cloud-init: phone_home failed</pre>');
  });

  it('shows nothing for failures without evidence (older events, other shapes)', () => {
    expect(renderToStaticMarkup(<InstallFailureDetails data={null} open={false} />)).toBe('');
    expect(renderToStaticMarkup(<InstallFailureDetails data={{ reason: 'x' }} open={false} />)).toBe('');
    const noConsole = renderToStaticMarkup(<InstallFailureDetails data={{ ...data, consoleTail: null }} open={false} />);
    expect(noConsole).toContain('Last boot events</summary>');
    expect(noConsole).not.toContain('<pre');
  });
});

describe('the current install failure', () => {
  const ev = (id: number, kind: string): AuditEvent => ({ id, ts: '2026-01-05T12:00:00.000Z', actor: 'system', kind, subjectId: 'n1', summary: kind, data: null });

  it('is the newest failure unless the node was armed again since', () => {
    expect(currentInstallFailure([ev(4, 'boot.http'), ev(3, 'boot.install-failed'), ev(1, 'boot.install-requested')])?.id).toBe(3);
    expect(currentInstallFailure([ev(5, 'boot.install-requested'), ev(3, 'boot.install-failed')])).toBeNull();
    expect(currentInstallFailure(undefined)).toBeNull();
  });
});
