/**
 * The bridged lab's shape — who hands out its addresses — as the user chose it, kept in the
 * `vlab` settings document beside the peer group and the saved boot settings. Rackpilot as the
 * DHCP server is the default: it is what the bridged lab did before the home-LAN shape existed.
 */
import { VLAB_ROUTERS, type VlabRouter } from '../../../shared/domain/vlab';
import type { SettingsRepo } from '../store/settings-repo';

const SETTINGS_KEY = 'vlab';

function vlabDoc(settings: SettingsRepo): Record<string, unknown> {
  const doc = settings.getDocument(SETTINGS_KEY);
  return typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : {};
}

export function readLabShape(settings: SettingsRepo): VlabRouter {
  const saved = vlabDoc(settings).bridgedRouter;
  return (VLAB_ROUTERS as readonly unknown[]).includes(saved) ? (saved as VlabRouter) : 'rackpilot';
}

export function writeLabShape(settings: SettingsRepo, router: VlabRouter): void {
  settings.setDocument(SETTINGS_KEY, { ...vlabDoc(settings), bridgedRouter: router });
}

/** How the status and the Practice rack page name a shape. */
export const LAB_SHAPE_NAMES: Record<VlabRouter, string> = {
  rackpilot: 'isolated lab: Rackpilot is the DHCP server',
  'home-router': 'home LAN: a router hands out addresses, Rackpilot answers PXE as proxyDHCP',
};
