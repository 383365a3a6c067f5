/**
 * Run one shell command on the selected nodes (like `ansible -m raw`): the command, sudo, and a
 * per-node timeout. Checked with the contract's own schema before sending; the button says how
 * many nodes it runs on.
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import { runCommandInput } from '../../../shared/domain/command';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { Field } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { rpc } from '../../rpc/api';
import { formErrorsFromCore } from '../../rpc/form-errors';
import { onJobChanged } from '../../stores/jobs';
import { namesSummary, nodesLabel, parseTimeoutMinutes, type BulkRun, type BulkTarget } from './bulk-run';

type CommandField = 'command' | 'timeout';
type Errors = Partial<Record<CommandField, string>>;

const fieldOfPath = (path: readonly unknown[]): CommandField | null => (path.includes('command') ? 'command' : path.includes('timeoutMs') ? 'timeout' : null);

interface Props {
  nodes: BulkTarget[];
  onStarted(run: BulkRun): void;
  onClose(): void;
}

export function BulkCommandDialog({ nodes, onStarted, onClose }: Props) {
  const [command, setCommand] = useState('');
  const [sudo, setSudo] = useState(false);
  // Kept in this dialog's state only, sent with the one request, never stored.
  const [sudoPassword, setSudoPassword] = useState('');
  const [timeout, setTimeoutText] = useState('10');
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const commandRef = useRef<HTMLTextAreaElement>(null);
  const id = useId();

  const check = (): { input: { ids: string[]; command: string; sudo: boolean; sudoPassword?: string; timeoutMs: number } | null; errors: Errors } => {
    const found: Errors = {};
    const t = parseTimeoutMinutes(timeout);
    if ('error' in t) found.timeout = t.error;
    const input = { ids: nodes.map((n) => n.id), command, sudo, ...(sudo && sudoPassword ? { sudoPassword } : {}), timeoutMs: 'ms' in t ? t.ms : 600_000 };
    const parsed = runCommandInput.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = fieldOfPath(issue.path);
        if (field) found[field] ??= issue.message;
      }
    }
    return { input: Object.keys(found).length ? null : input, errors: found };
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setGeneral(null);
    const { input, errors: local } = check();
    setErrors(local);
    if (!input) {
      if (local.command) commandRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const job = await rpc().call('nodes.runCommand', input);
      onJobChanged(job);
      onStarted({ kind: 'command', jobId: job.id, command: input.command.trim(), sudo, nodes });
      onClose();
    } catch (err) {
      const found = formErrorsFromCore(err, fieldOfPath);
      setErrors(found.fields);
      setGeneral(found.general);
      setBusy(false);
    }
  };

  return (
    <Dialog title="Run a command" onClose={onClose} initialFocus={commandRef} describedBy={`${id}-on`} className="dialog-form">
      <form onSubmit={submit} noValidate>
        <p id={`${id}-on`}>
          On {nodesLabel(nodes.length)}: <span className="muted">{namesSummary(nodes)}</span>
        </p>
        <FormError message={general} />
        <div className="form-grid form-grid-single">
          <Field id={`${id}-command`} label="Command" error={errors.command} hint="Runs with the node's shell as its SSH user; each node's output and exit code are shown.">
            {(a) => (
              <textarea
                {...a}
                ref={commandRef}
                className="mono command-input"
                rows={3}
                spellCheck={false}
                value={command}
                placeholder="uptime"
                onChange={(e) => {
                  setCommand(e.target.value);
                  if (errors.command) setErrors(({ command: _gone, ...rest }) => rest);
                }}
                onKeyDown={(e) => {
                  // Ctrl/Cmd+Enter runs, as in most command boxes; Enter alone adds a line.
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                    e.preventDefault();
                    e.currentTarget.form?.requestSubmit();
                  }
                }}
              />
            )}
          </Field>
          <label className="check" htmlFor={`${id}-sudo`}>
            <input id={`${id}-sudo`} type="checkbox" checked={sudo} onChange={(e) => setSudo(e.target.checked)} />
            <span>Run with sudo</span>
          </label>
          {sudo && (
            <Field id={`${id}-sudo-password`} label="sudo password" hint="Leave empty when the nodes have passwordless sudo. Used for this run only; never stored or logged.">
              {(a) => <input {...a} type="password" autoComplete="off" value={sudoPassword} onChange={(e) => setSudoPassword(e.target.value)} />}
            </Field>
          )}
          <Field id={`${id}-timeout`} label="Timeout per node (minutes)" error={errors.timeout}>
            {(a) => (
              <input
                {...a}
                type="text"
                inputMode="decimal"
                className="input-short"
                value={timeout}
                onChange={(e) => {
                  setTimeoutText(e.target.value);
                  if (errors.timeout) setErrors(({ timeout: _gone, ...rest }) => rest);
                }}
              />
            )}
          </Field>
        </div>
        <DialogActions onCancel={onClose}>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Starting…' : `Run on ${nodesLabel(nodes.length)}`}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
