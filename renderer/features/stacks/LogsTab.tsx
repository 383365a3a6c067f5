/**
 * The Logs tab: follow (or read the tail of) a stack's logs, per service, with timestamps on or
 * off, and a search that highlights matches or shows only matching lines. Following stops when
 * the tab is left (the reading view unmounts) and starts again, fresh, when it is shown.
 */
import { useId, useState } from 'react';
import { LogView } from './LogView';

const TAILS = [50, 200, 1000, 10_000] as const;

export function LogsTab({ nodeId, name, services, active }: { nodeId: string; name: string; services: string[]; active: boolean }) {
  const id = useId();
  const [service, setService] = useState<string | null>(null);
  const [tail, setTail] = useState<number>(200);
  const [timestamps, setTimestamps] = useState(true);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const [onlyMatching, setOnlyMatching] = useState(false);
  const [reading, setReading] = useState(0);
  const options = { service, tail, timestamps, follow };

  return (
    <div className="stack-logs">
      <div className="toolbar stack-logs-bar">
        <label className="select-label" htmlFor={`${id}-service`}>
          Service
          <select id={`${id}-service`} value={service ?? ''} onChange={(e) => setService(e.target.value || null)}>
            <option value="">All services</option>
            {services.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="select-label" htmlFor={`${id}-tail`}>
          Last lines
          <select id={`${id}-tail`} value={tail} onChange={(e) => setTail(Number(e.target.value))}>
            {TAILS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="check stack-check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <label className="check stack-check">
          <input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} /> Timestamps
        </label>
        <input type="search" className="search" aria-label="Search the logs" placeholder="Search" value={query} onChange={(e) => setQuery(e.target.value)} />
        <label className="check stack-check">
          <input type="checkbox" checked={onlyMatching} onChange={(e) => setOnlyMatching(e.target.checked)} /> Only matching lines
        </label>
      </div>
      {active && (
        <LogView
          key={JSON.stringify([options, reading])}
          nodeId={nodeId}
          name={name}
          options={options}
          query={query}
          onlyMatching={onlyMatching}
          showService={service === null && services.length !== 1}
          onReadAgain={() => setReading((n) => n + 1)}
        />
      )}
    </div>
  );
}
