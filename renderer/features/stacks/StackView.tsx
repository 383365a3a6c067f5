/**
 * One stack (route #/stacks/<target>/<name>): its state and actions (Down, Remove) above tabs —
 * Editor, Plan, Services, Logs, History. Tabs mount when first opened and then stay mounted
 * (unsaved edits survive a look at the plan); polling and log following run only in the tab shown.
 */
import { useState, type ReactNode } from 'react';
import type { Job } from '../../../shared/domain/job';
import { TabList, TabPanel, type TabItem } from '../../components/Tabs';
import { loadStacks, useStacks } from '../../stores/stacks';
import { DownDialog } from './DownDialog';
import { EditorTab } from './EditorTab';
import { HistoryTab } from './HistoryTab';
import { LogsTab } from './LogsTab';
import { PlanPanel } from './PlanPanel';
import { RemoveStackDialog } from './RemoveStackDialog';
import { ServicesTab } from './ServicesTab';
import { StackJob } from './StackJob';
import { createdByLabel, STATE_CLASS, STATE_LABEL } from './stack-format';
import { useStackDetail } from './use-stack-detail';

type StackTab = 'editor' | 'plan' | 'services' | 'logs' | 'history';
const TABS: readonly TabItem<StackTab>[] = [
  { id: 'editor', label: 'Editor' },
  { id: 'plan', label: 'Plan' },
  { id: 'services', label: 'Services' },
  { id: 'logs', label: 'Logs' },
  { id: 'history', label: 'History' },
];
const ID_BASE = 'stack-view';

interface Props {
  nodeId: string;
  name: string;
  targetName: string;
  onClose(): void;
}

export function StackView({ nodeId, name, targetName, onClose }: Props) {
  const { detail, error, reload, setDetail } = useStackDetail(nodeId, name);
  const listed = useStacks((s) => s.lists[nodeId]?.stacks.find((x) => x.name === name));
  const [tab, setTab] = useState<StackTab>('editor');
  const [opened, setOpened] = useState<ReadonlySet<StackTab>>(new Set(['editor']));
  const [dialog, setDialog] = useState<'down' | 'remove' | null>(null);
  const [downJob, setDownJob] = useState<Job | null>(null);
  // Each visit of the Plan tab plans again: the files or the node may have changed meanwhile.
  const [planVisits, setPlanVisits] = useState(0);

  // After a deploy or down: the stack and the list (its state, ports) have changed.
  const refresh = () => {
    reload();
    void loadStacks(nodeId);
  };
  const select = (id: StackTab) => {
    if (id === 'plan' && tab !== 'plan') setPlanVisits((n) => n + 1);
    setTab(id);
    setOpened((o) => new Set([...o, id]));
  };
  // The list's summary is the freshest (service actions and events update it); the detail's until it loads.
  const summary = listed ?? detail?.summary;
  const panel = (id: StackTab, content: () => ReactNode) =>
    opened.has(id) && (
      <TabPanel idBase={ID_BASE} id={id} selected={tab === id}>
        {content()}
      </TabPanel>
    );

  return (
    <section className="panel stack-view" aria-labelledby="stack-view-title" data-testid="stack-view">
      <div className="panel-head">
        <h2 id="stack-view-title">{name}</h2>
        <span className="muted">on {targetName}</span>
        {summary && (
          <span className={`badge ${STATE_CLASS[summary.state]}`} data-testid="stack-view-state">
            {STATE_LABEL[summary.state]}
          </span>
        )}
        {summary && <span className="muted">created by {createdByLabel(summary)}</span>}
        <div className="panel-actions">
          <button type="button" className="btn" disabled={!summary || summary.state === 'not-deployed'} onClick={() => setDialog('down')}>
            Down
          </button>
          {detail?.files && (
            <button type="button" className="btn btn-danger-quiet" onClick={() => setDialog('remove')}>
              Remove
            </button>
          )}
          <button type="button" className="btn" onClick={onClose} aria-label={`Close ${name}`}>
            Close
          </button>
        </div>
      </div>
      {error && (
        <div className="notice notice-error" role="alert">
          Could not load {name}: {error}
          <button type="button" className="btn btn-small" onClick={reload}>
            Try again
          </button>
        </div>
      )}
      {downJob && <StackJob key={downJob.id} job={downJob} onFinished={refresh} />}
      {!detail && !error && (
        <p className="muted" role="status">
          Loading {name}…
        </p>
      )}
      {detail && summary && (
        <>
          <TabList label={`Sections of ${name}`} idBase={ID_BASE} tabs={TABS} selected={tab} onSelect={select} />
          {panel('editor', () => <EditorTab detail={detail} onSaved={setDetail} />)}
          {panel('plan', () => <PlanPanel nodeId={nodeId} name={name} version="current" refresh={planVisits} onDeployed={refresh} />)}
          {panel('services', () => <ServicesTab summary={summary} active={tab === 'services'} />)}
          {panel('logs', () => <LogsTab nodeId={nodeId} name={name} services={summary.services.map((s) => s.name)} active={tab === 'logs'} />)}
          {panel('history', () => <HistoryTab detail={detail} onDeployed={refresh} />)}
        </>
      )}
      {dialog === 'down' && <DownDialog nodeId={nodeId} name={name} onStarted={setDownJob} onClose={() => setDialog(null)} />}
      {dialog === 'remove' && <RemoveStackDialog nodeId={nodeId} name={name} onRemoved={onClose} onClose={() => setDialog(null)} />}
    </section>
  );
}
