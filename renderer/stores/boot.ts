/**
 * The boot services' status (`boot.status`, pushed on every change) and this machine's network
 * interfaces (`boot.interfaces`, fetched when the Boot page opens: they rarely change).
 */
import { create } from 'zustand';
import type { BootStatus, NetworkInterfaceInfo } from '../../shared/domain/boot';
import type { AuditEvent } from '../../shared/domain/event';
import { errorMessage, rpc } from '../rpc/api';

interface BootStore {
  status: BootStatus | null;
  state: 'loading' | 'ready' | 'error';
  error: string | null;
  interfaces: NetworkInterfaceInfo[] | null;
  interfacesError: string | null;
}

export const useBoot = create<BootStore>()(() => ({ status: null, state: 'loading', error: null, interfaces: null, interfacesError: null }));

export function onBootStatus(status: BootStatus): void {
  useBoot.setState({ status, state: 'ready', error: null });
}

export async function loadBoot(): Promise<void> {
  try {
    onBootStatus(await rpc().call('boot.status', {}));
  } catch (err) {
    useBoot.setState({ state: 'error', error: errorMessage(err) });
  }
}

export async function loadInterfaces(): Promise<void> {
  try {
    useBoot.setState({ interfaces: await rpc().call('boot.interfaces', {}), interfacesError: null });
  } catch (err) {
    useBoot.setState({ interfacesError: errorMessage(err) });
  }
}

/** Events about the boot path: every `boot.*` kind, and machines discovered by it. */
export function isBootEvent(e: AuditEvent): boolean {
  return e.kind.startsWith('boot.') || e.kind === 'node.discovered';
}
