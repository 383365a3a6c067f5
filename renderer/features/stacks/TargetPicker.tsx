/** Which engine the page shows: this computer's Docker, or a node's (reached over SSH). */
import { LOCAL_ENGINE } from '../../../shared/domain/stack';
import { useNodes } from '../../stores/nodes';
import { LOCAL_LABEL } from './stack-format';

export function TargetPicker({ value, onChange }: { value: string; onChange(nodeId: string): void }) {
  const nodes = useNodes((s) => s.nodes);
  const sorted = [...nodes].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <label className="select-label" htmlFor="stack-target">
      Target
      <select id="stack-target" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value={LOCAL_ENGINE}>{LOCAL_LABEL}</option>
        {sorted.map((n) => (
          <option key={n.id} value={n.id} disabled={!n.address}>
            {n.name}
            {n.address ? ` (${n.address})` : ' — no address yet'}
          </option>
        ))}
      </select>
    </label>
  );
}
