/** The shell: header with the connection state, left navigation, and the page for the route. */
import { lazy, Suspense } from 'react';
import { ActivityPage } from './features/activity/ActivityPage';
import { NodesPage } from './features/nodes/NodesPage';
import { routeHref, useRoute, type Route } from './router';
import { TokenRequired } from './StartupMessages';
import { useConnection } from './stores/connection';

// Pages off the start-up path load when first visited.
const BootPage = lazy(() => import('./features/boot/BootPage').then((m) => ({ default: m.BootPage })));
const RackPage = lazy(() => import('./features/rack/RackPage').then((m) => ({ default: m.RackPage })));
const StacksPage = lazy(() => import('./features/stacks/StacksPage').then((m) => ({ default: m.StacksPage })));
const ClustersPage = lazy(() => import('./features/clusters/ClustersPage').then((m) => ({ default: m.ClustersPage })));
const LabsPage = lazy(() => import('./features/labs/LabsPage').then((m) => ({ default: m.LabsPage })));

const NAV: { route: Route; label: string }[] = [
  { route: 'nodes', label: 'Nodes' },
  { route: 'boot', label: 'Boot' },
  { route: 'rack', label: 'Practice rack' },
  { route: 'stacks', label: 'Stacks' },
  { route: 'clusters', label: 'Clusters' },
  { route: 'labs', label: 'Labs' },
  { route: 'activity', label: 'Activity' },
];

const CONNECTION_LABEL = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  unauthorized: 'Token refused',
} as const;

export function App() {
  const route = useRoute();
  const connection = useConnection((s) => s.state);
  if (connection === 'unauthorized') return <TokenRequired />;
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Rackpilot
        </span>
        <span className={`conn conn-${connection}`} data-testid="connection-state">
          <span className="conn-dot" aria-hidden="true" />
          {CONNECTION_LABEL[connection]}
        </span>
      </header>
      {connection === 'reconnecting' && (
        <div className="banner" role="status">
          Lost the connection to the Rackpilot core — reconnecting…
        </div>
      )}
      <div className="body">
        <nav className="sidenav" aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.route}>
                <a href={routeHref(item.route)} aria-current={route === item.route ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main className="page" id="main">
          <Page route={route} />
        </main>
      </div>
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route) {
    case 'nodes':
      return <NodesPage />;
    case 'activity':
      return <ActivityPage />;
    case 'boot':
      return (
        <Suspense fallback={<p className="empty" role="status">Loading…</p>}>
          <BootPage />
        </Suspense>
      );
    case 'rack':
      return (
        <Suspense fallback={<p className="empty" role="status">Loading…</p>}>
          <RackPage />
        </Suspense>
      );
    case 'stacks':
      return (
        <Suspense fallback={<p className="empty" role="status">Loading…</p>}>
          <StacksPage />
        </Suspense>
      );
    case 'clusters':
      return (
        <Suspense fallback={<p className="empty" role="status">Loading…</p>}>
          <ClustersPage />
        </Suspense>
      );
    case 'labs':
      return (
        <Suspense fallback={<p className="empty" role="status">Loading…</p>}>
          <LabsPage />
        </Suspense>
      );
  }
}
