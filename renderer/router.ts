/**
 * Hash routing (#/nodes, #/activity …). The hash also carries the access token once
 * (#token=…); rpc/token.ts swaps that for #/nodes before the app renders.
 */
import { useSyncExternalStore } from 'react';

export const ROUTES = ['nodes', 'boot', 'stacks', 'clusters', 'labs', 'activity'] as const;
export type Route = (typeof ROUTES)[number];

function currentRoute(): Route {
  const name = window.location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'nodes';
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, currentRoute);
}

export function routeHref(route: Route): string {
  return `#/${route}`;
}
