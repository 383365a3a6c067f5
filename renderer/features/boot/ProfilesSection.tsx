/**
 * Boot profiles: what an install boots. Built-ins are read-only (view or clone them); the user's
 * own can be edited and deleted. The editor is a lazily loaded dialog (it brings the placeholder
 * list from the shared schema module, and with it zod).
 */
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import type { AssetStatus } from '../../../shared/domain/asset';
import type { Profile } from '../../../shared/domain/profile';
import { useAssets } from '../../stores/assets';
import { loadProfiles, useProfiles } from '../../stores/profiles';
import { CatalogLoadStatus } from './CatalogLoadStatus';
import { CloneProfileDialog, DeleteProfileDialog } from './ProfileDialogs';
import { KIND_LABEL } from './profile-form';

const ProfileEditorDialog = lazy(() => import('./ProfileEditorDialog').then((m) => ({ default: m.ProfileEditorDialog })));

type Open =
  | { kind: 'new' }
  | { kind: 'edit'; id: string }
  | { kind: 'clone'; profile: Profile }
  | { kind: 'delete'; profile: Profile };

export function ProfilesSection() {
  const profiles = useProfiles((s) => s.profiles);
  const status = useProfiles((s) => s.status);
  const error = useProfiles((s) => s.error);
  const assets = useAssets((s) => s.assets);
  const [open, setOpen] = useState<Open | null>(null);
  const assetsById = useMemo(() => new Map(assets.map((a) => [a.entry.id, a])), [assets]);

  useEffect(() => {
    void loadProfiles();
  }, []);

  // The editor follows the store, so an edit saved elsewhere (or this one) shows in the row.
  const editing = open?.kind === 'edit' ? profiles.find((p) => p.id === open.id) : undefined;

  return (
    <section aria-labelledby="boot-profiles-title" className="panel" data-testid="boot-profiles">
      <div className="panel-head">
        <h2 id="boot-profiles-title">Profiles</h2>
        <span className="muted">What a node installs when it network-boots. Built-in profiles are read-only: clone one to change it.</span>
        <div className="panel-actions">
          <button type="button" className="btn" onClick={() => setOpen({ kind: 'new' })} disabled={status !== 'ready'}>
            New profile
          </button>
        </div>
      </div>
      <CatalogLoadStatus
        status={status}
        error={error}
        listed={profiles.length > 0}
        failedText="Could not load the boot profiles"
        loadingText="Loading profiles…"
        onRetry={() => void loadProfiles()}
      />
      {profiles.length > 0 && (
        <table className="events catalog-table" aria-labelledby="boot-profiles-title">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Assets it needs</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {profiles.map((p) => (
              <tr key={p.id} data-testid="profile-row" data-profile-id={p.id} aria-label={p.name}>
                <td>
                  <div className="catalog-name">
                    <strong>{p.name}</strong>
                    {p.builtIn && (
                      <span className="badge badge-builtin" data-testid="builtin-badge">
                        built-in
                      </span>
                    )}
                  </div>
                  {p.description && <p className="muted catalog-note">{p.description}</p>}
                  <p className="mono muted catalog-id">{p.id}</p>
                </td>
                <td className="nowrap">{KIND_LABEL[p.kind]}</td>
                <td>
                  <ProfileAssets profile={p} assets={assetsById} />
                </td>
                <td className="catalog-actions">
                  <button type="button" className="btn btn-small" aria-label={`Clone ${p.name}`} onClick={() => setOpen({ kind: 'clone', profile: p })}>
                    Clone…
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={`${p.builtIn ? 'View' : 'Edit'} ${p.name}`}
                    onClick={() => setOpen({ kind: 'edit', id: p.id })}
                  >
                    {p.builtIn ? 'View' : 'Edit…'}
                  </button>
                  {!p.builtIn && (
                    <button type="button" className="btn btn-small btn-danger-quiet" aria-label={`Delete ${p.name}`} onClick={() => setOpen({ kind: 'delete', profile: p })}>
                      Delete…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <Suspense fallback={null}>
        {open?.kind === 'new' && <ProfileEditorDialog template={profiles.find((p) => p.id === 'live-image') ?? profiles[0]} onClose={() => setOpen(null)} />}
        {editing && <ProfileEditorDialog key={editing.id} profile={editing} onClose={() => setOpen(null)} />}
      </Suspense>
      {open?.kind === 'clone' && (
        <CloneProfileDialog
          profile={open.profile}
          existing={profiles}
          onClose={() => setOpen(null)}
          onCloned={(copy) => setOpen({ kind: 'edit', id: copy.id })}
        />
      )}
      {open?.kind === 'delete' && <DeleteProfileDialog profile={open.profile} onClose={() => setOpen(null)} />}
    </section>
  );
}

const ROLES = ['kernel', 'initrd', 'iso', 'squashfs'] as const;

function ProfileAssets({ profile, assets }: { profile: Profile; assets: ReadonlyMap<string, AssetStatus> }) {
  return (
    <ul className="profile-assets">
      {ROLES.map((role) => {
        const id = profile.assets[role];
        if (!id) return null;
        const asset = assets.get(id);
        return (
          <li key={role}>
            <span className="muted">{role}</span> <span className="mono">{id}</span>{' '}
            {asset && <span className={`badge asset-state-${asset.state}`}>{asset.state}</span>}
          </li>
        );
      })}
    </ul>
  );
}
