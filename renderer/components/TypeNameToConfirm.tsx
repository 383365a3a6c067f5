/**
 * The "type its name to confirm" field of destructive dialogs (data that cannot come back): the
 * caller enables its button only when the typed text equals the name.
 */
interface TypeNameToConfirmProps {
  id: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
}

export function TypeNameToConfirm({ id, name, value, onChange }: TypeNameToConfirmProps) {
  return (
    <div className="field">
      <label htmlFor={id}>
        Type <span className="mono confirm-name">{name}</span> to confirm
      </label>
      <input id={id} type="text" autoComplete="off" spellCheck={false} value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}
