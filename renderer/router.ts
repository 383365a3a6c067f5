/**
 * Hash routing (#/nodes, #/activity, #/nodes/<id> …). The hash also carries the access token once
 * (#token=…); rpc/token.ts swaps that for #/nodes before the app renders.
 */
import { useSyncExternalStore } from 'react';

export const ROUTES = ['nodes', 'boot', 'rack', 'stacks', 'clusters', 'labs', 'activity'] as const;
export type Route = (typeof ROUTES)[number];

function segments(): string[] {
  return window.location.hash.replace(/^#\/?/, '').split('?')[0]?.split('/') ?? [];
}

function currentRoute(): Route {
  const name = segments()[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'nodes';
}

/** The item a route names after the page, e.g. the node id of `#/nodes/<id>`; null when none. */
function currentItem(): string | null {
  const item = segments()[1];
  if (!item) return null;
  try {
    return decodeURIComponent(item);
  } catch {
    return null;
  }
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, currentRoute);
}

export function useRouteItem(): string | null {
  return useSyncExternalStore(subscribe, currentItem);
}

export function routeHref(route: Route, item?: string): string {
  return item ? `#/${route}/${encodeURIComponent(item)}` : `#/${route}`;
}

export function navigate(route: Route, item?: string): void {
  window.location.hash = routeHref(route, item);
}
