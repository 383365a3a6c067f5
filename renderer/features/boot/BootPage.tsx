/**
 * Network boot: the services' status with Start/Stop, the mode and network they run with, the
 * iPXE binaries TFTP can serve, the install timeout, the boot profiles and assets, and what
 * happened on the boot path lately.
 */
import { useEffect, useState } from 'react';
import type { BootStatus } from '../../../shared/domain/boot';
import { errorMessage, rpc } from '../../rpc/api';
import { loadInterfaces, onBootStatus, useBoot } from '../../stores/boot';
import { AssetsSection } from './AssetsSection';
import { BootConfigForm } from './BootConfigForm';
import { errorsFromCore, FIELD_ORDER, formFromConfig, toChanges, type BootForm, type FieldErrors } from './form';
import { InstallTimeoutSection } from './InstallTimeoutSection';
import { ProfilesSection } from './ProfilesSection';
import { RecentBootEvents } from './RecentBootEvents';
import { ServiceCards } from './ServiceCards';

export function BootPage() {
  const status = useBoot((s) => s.status);
  const state = useBoot((s) => s.state);
  const loadError = useBoot((s) => s.error);
  const interfaces = useBoot((s) => s.interfaces);
  const interfacesError = useBoot((s) => s.interfacesError);
  // Untouched, the form shows the live config; once edited it keeps the draft until saved.
  const [draft, setDraft] = useState<BootForm | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'save' | 'start' | 'stop' | null>(null);

  useEffect(() => {
    void loadInterfaces();
  }, []);

  if (state === 'error' && !status) {
    return (
      <BootShell>
        <div className="notice notice-error" role="alert">
          Could not load the boot services’ status: {loadError}
        </div>
      </BootShell>
    );
  }
  if (!status) {
    return (
      <BootShell>
        <p className="empty" role="status">
          Loading the boot services…
        </p>
      </BootShell>
    );
  }

  const values = draft ?? formFromConfig(status.config);

  /** Saves the draft if there is one; false when the core (or the form) refused it. */
  const save = async (): Promise<boolean> => {
    if (!draft) return true;
    setGeneral(null);
    const { changes, errors: local } = toChanges(draft);
    if (Object.keys(local).length > 0) {
      setErrors(local);
      focusField(local);
      return false;
    }
    try {
      onBootStatus(await rpc().call('boot.configure', changes));
      setDraft(null);
      setErrors({});
      return true;
    } catch (err) {
      const found = errorsFromCore(err);
      setErrors(found.fields);
      setGeneral(found.general);
      focusField(found.fields);
      return false;
    }
  };

  const run = async (what: 'save' | 'start' | 'stop') => {
    setActionError(null);
    setBusy(what);
    try {
      if (what === 'save') {
        await save();
      } else if (what === 'start') {
        // Start with what the form shows: unsaved changes are saved first.
        if (await save()) onBootStatus(await rpc().call('boot.start', {}));
      } else {
        onBootStatus(await rpc().call('boot.stop', {}));
      }
    } catch (err) {
      setActionError(`Could not ${what} the boot services: ${errorMessage(err)}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <BootShell status={status}>
      <section aria-labelledby="boot-services-title" className="panel">
        <div className="panel-head">
          <h2 id="boot-services-title">Services</h2>
          <span className="muted">
            {status.config.mode === 'proxy' ? 'proxyDHCP mode' : 'Full DHCP mode'}
            {status.config.serverAddress ? ` on ${status.config.serverAddress}${status.config.interfaceName ? ` (${status.config.interfaceName})` : ''}` : ''}
          </span>
          <div className="panel-actions">
            <button type="button" className="btn btn-primary" disabled={busy !== null} onClick={() => void run('start')}>
              {busy === 'start' ? 'Starting…' : status.running ? 'Restart' : 'Start'}
            </button>
            <button type="button" className="btn" disabled={busy !== null || (!status.running && !status.services.some((s) => s.error))} onClick={() => void run('stop')}>
              {busy === 'stop' ? 'Stopping…' : 'Stop'}
            </button>
          </div>
        </div>
        {!status.config.serverAddress && (
          <p className="notice notice-warn">Choose the lab network address below before starting: the nodes fetch everything from it.</p>
        )}
        {actionError && (
          <div className="notice notice-error" role="alert">
            {actionError}
          </div>
        )}
        <ServiceCards status={status} />
        <Ipxe ipxe={status.ipxe} />
      </section>

      <BootConfigForm
        values={values}
        config={status.config}
        interfaces={interfaces}
        interfacesError={interfacesError}
        errors={errors}
        general={general}
        dirty={draft !== null}
        busy={busy !== null}
        onChange={(next) => {
          setDraft(next);
          setErrors({});
        }}
        onSubmit={() => void run('save')}
        onReset={() => {
          setDraft(null);
          setErrors({});
          setGeneral(null);
        }}
      />

      <InstallTimeoutSection />
      <ProfilesSection />
      <AssetsSection />

      <RecentBootEvents />
    </BootShell>
  );
}

function focusField(errors: FieldErrors): void {
  const first = FIELD_ORDER.find((f) => errors[f]);
  if (first) document.querySelector<HTMLElement>(`.boot-form [name="${first}"]`)?.focus();
}

function BootShell({ status, children }: { status?: BootStatus; children: React.ReactNode }) {
  return (
    <section className="page-section boot-page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Boot</h1>
        {status && <RunningBadge status={status} />}
      </div>
      {children}
    </section>
  );
}

function Ipxe({ ipxe }: { ipxe: BootStatus['ipxe'] }) {
  return (
    <section aria-labelledby="ipxe-title" className="ipxe" data-testid="ipxe">
      <h3 id="ipxe-title">iPXE binaries</h3>
      <p>
        {ipxe.found.length > 0 ? (
          <>
            Found: <span className="mono">{ipxe.found.join(', ')}</span>
          </>
        ) : (
          'None found yet.'
        )}
        {ipxe.missing.length > 0 && (
          <>
            {' '}
            Missing: <span className="mono ipxe-missing">{ipxe.missing.join(', ')}</span>
          </>
        )}
      </p>
      {ipxe.message && <p className="muted">{ipxe.message}</p>}
    </section>
  );
}

function RunningBadge({ status }: { status: BootStatus }) {
  const failed = status.services.filter((s) => s.state === 'failed').length;
  const label = status.running ? (failed ? `running, ${failed} failed` : 'running') : failed ? 'not listening' : 'stopped';
  const tone = status.running && !failed ? 'service-state-listening' : failed ? 'service-state-failed' : '';
  return (
    <span className={`badge ${tone}`} data-testid="boot-running">
      {label}
    </span>
  );
}
