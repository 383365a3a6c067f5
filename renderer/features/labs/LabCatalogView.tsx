/**
 * The catalog: the learning ladder in order, each lab with what it needs and how far the learner
 * got; then the learner's own labs that did not load, each problem with its file:line so the
 * author knows where to look.
 */
import type { BrokenLab, LabSummary } from '../../../shared/domain/lab';
import { routeHref } from '../../router';
import { loadCatalog, useLabs } from '../../stores/labs';
import { LabRegistrySection } from './LabRegistrySection';
import { durationLabel, folderName, issueLocation, openLabel, progressLine, progressPercent } from './lab-format';

export function LabCatalogView() {
  const { catalog, status, error } = useLabs();
  const titles = new Map(catalog?.labs.map((l) => [l.id, l.title]));

  return (
    <>
      <div className="page-head">
        <h1 id="page-title">Labs</h1>
        <button type="button" className="btn" onClick={() => void loadCatalog()} disabled={status === 'loading'}>
          Read labs again
        </button>
      </div>
      <p className="muted labs-intro">
        Step-by-step labs on your own nodes or the practice rack. Each step is checked against the real machines: do the step, press “Check my work”, and see what
        the check ran and what it saw.
      </p>
      {status === 'error' && (
        <div className="notice notice-error" role="alert">
          Could not list the labs: {error}
          <button type="button" className="btn btn-small" onClick={() => void loadCatalog()}>
            Try again
          </button>
        </div>
      )}
      {!catalog && status !== 'error' && (
        <p className="empty" role="status">
          Loading the labs…
        </p>
      )}
      {catalog && catalog.labs.length === 0 && (
        <div className="empty">
          <h2>No labs found</h2>
          <p>Rackpilot found no labs to offer. Add your own in the folder named below, one folder per lab.</p>
        </div>
      )}
      {catalog && catalog.labs.length > 0 && (
        <ol className="lab-cards" aria-label="Labs">
          {catalog.labs.map((lab) => (
            <LabCard key={lab.id} lab={lab} titles={titles} />
          ))}
        </ol>
      )}
      {catalog && catalog.broken.length > 0 && <BrokenLabs broken={catalog.broken} />}
      {catalog && <LabRegistrySection />}
      {catalog && (
        <p className="muted labs-user-dir">
          Your own labs are read from <span className="mono">{catalog.userLabsDir}</span> (same format as the built-in ones).
        </p>
      )}
    </>
  );
}

function LabCard({ lab, titles }: { lab: LabSummary; titles: Map<string, string> }) {
  const percent = progressPercent(lab.progress, lab.stepCount);
  const line = progressLine(lab.progress, lab.stepCount);
  const roles = lab.nodes.map((n) => n.role);
  return (
    <li className={`lab-card${lab.progress.completed ? ' lab-card-done' : ''}`} aria-labelledby={`lab-card-${lab.id}`} data-testid="lab-card" data-lab={lab.id}>
      <div className="lab-card-head">
        <h2 id={`lab-card-${lab.id}`}>{lab.title}</h2>
        {lab.source === 'user' && <span className="badge">your lab</span>}
        <span className="muted">
          {durationLabel(lab.estimatedMinutes)} · {lab.stepCount} step{lab.stepCount === 1 ? '' : 's'}
        </span>
      </div>
      <p>{lab.summary}</p>
      <p className="muted lab-card-needs">
        {roles.length === 0 ? 'Needs no nodes to start: it boots its own.' : `Needs ${roles.length} node${roles.length === 1 ? '' : 's'}: ${roles.join(', ')}.`}
        {lab.prerequisites.length > 0 && ` Best after: ${lab.prerequisites.map((p) => titles.get(p) ?? p).join(', ')}.`}
      </p>
      <div className="lab-card-foot">
        <progress max={100} value={percent} aria-label={`Progress of ${lab.title}`}>
          {percent}%
        </progress>
        <span data-testid="lab-progress">{line}</span>
        <a className={`btn ${lab.progress.started && !lab.progress.completed ? 'btn-primary' : ''}`} href={routeHref('labs', lab.id)} aria-label={`${openLabel(lab.progress)} ${lab.title}`}>
          {openLabel(lab.progress)}
        </a>
      </div>
    </li>
  );
}

function BrokenLabs({ broken }: { broken: BrokenLab[] }) {
  return (
    <section className="panel lab-broken" aria-labelledby="lab-broken-title">
      <h2 id="lab-broken-title">Labs that did not load</h2>
      <p className="muted">Fix the problems below in the lab's files, then press “Read labs again”.</p>
      {broken.map((b) => {
        const name = folderName(b.folder);
        return (
          <div key={`${b.source}:${b.folder}`} className="lab-broken-item" data-testid="broken-lab" data-folder={name}>
            <h3>
              <span className="mono">{name}</span> <span className="muted">({b.source === 'user' ? 'your lab' : 'built-in'})</span>
            </h3>
            <p className="muted mono lab-broken-path">{b.folder}</p>
            <ul aria-label={`Problems in ${name}`}>
              {b.issues.map((issue, i) => (
                <li key={i}>
                  <span className="mono lab-issue-where">{issueLocation(issue)}</span> {issue.message}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}
