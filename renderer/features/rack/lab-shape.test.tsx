/** The bridged lab's shape on the Practice rack page: both choices with their sentence, and the status line. */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { VlabBridgedStatus } from '../../../shared/domain/vlab';
import { LabShapePicker, LabShapeStatus } from './LabShapePicker';

/** The radio input of one shape, whatever order React writes its attributes in. */
function input(html: string, value: string): string {
  return new RegExp(`<input[^>]*value="${value}"[^>]*/>`).exec(html)?.[0] ?? '';
}

const bridged: VlabBridgedStatus = {
  available: true,
  reason: '',
  namespace: 'rackpilot-lab-abcdef-42',
  hostInterface: 'rplab-abcdef',
  subnet: '10.78.0.0/24',
  hostAddress: '10.78.0.1',
  active: false,
  running: 0,
  bootTakeover: '',
  router: 'rackpilot',
  homeRouterUnavailable: null,
};

describe('lab shape', () => {
  it('offers both shapes, each with what it means, the current one checked', () => {
    const html = renderToStaticMarkup(<LabShapePicker bridged={bridged} />);
    expect(html).toContain('<strong>Isolated lab</strong>: Rackpilot is the DHCP server.');
    expect(html).toContain('<strong>Home LAN</strong>: a router hands out addresses; Rackpilot only answers PXE (proxyDHCP) — what you’ll use on a real home network.');
    expect(input(html, 'rackpilot')).toContain('checked=""');
    expect(input(html, 'home-router')).not.toContain('checked=""');
    expect(html).not.toContain('disabled');
  });

  it('is locked while the lab runs, and says why; the home LAN is disabled without dnsmasq', () => {
    expect(renderToStaticMarkup(<LabShapePicker bridged={{ ...bridged, active: true, running: 2, router: 'home-router' }} />)).toMatch(/<fieldset[^>]* disabled=""[\s\S]*Stop the bridged nodes to change it/);
    const missing = renderToStaticMarkup(<LabShapePicker bridged={{ ...bridged, homeRouterUnavailable: 'the home-LAN shape needs dnsmasq (sudo apt-get install dnsmasq-base)' }} />);
    expect(input(missing, 'home-router')).toContain('disabled=""');
    expect(input(missing, 'rackpilot')).not.toContain('disabled=""');
    expect(missing).toContain('Not here: the home-LAN shape needs dnsmasq (sudo apt-get install dnsmasq-base).');
  });

  it('the status line says which shape runs', () => {
    expect(renderToStaticMarkup(<LabShapeStatus bridged={{ ...bridged, active: true, running: 1, router: 'home-router' }} />)).toContain('Bridged lab: Home LAN</span> <span class="muted">active, 1 node on 10.78.0.0/24');
    expect(renderToStaticMarkup(<LabShapeStatus bridged={bridged} />)).toContain('Bridged lab: Isolated lab</span> <span class="muted">not running');
    // An older core says nothing about the shape: it was always the isolated lab.
    expect(renderToStaticMarkup(<LabShapeStatus bridged={{ ...bridged, router: undefined }} />)).toContain('Bridged lab: Isolated lab');
  });
});
