/**
 * "New cluster": 1 name, version, CNI and networks → 2 nodes from the inventory → 3 preflight,
 * then "Create cluster" starts the bootstrap. The form is checked like the core checks it on every
 * edit (errors block the next step, warnings are shown). Preflight saves the spec as a draft
 * first; renaming afterwards replaces that draft, and a draft left by Cancel stays in the list.
 */
import { useState } from 'react';
import type { Job } from '../../../shared/domain/job';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { FormError } from '../../components/FormError';
import { errorMessage, rpc } from '../../rpc/api';
import { formErrorsFromCore } from '../../rpc/form-errors';
import { useClusters, upsertCluster } from '../../stores/clusters';
import { onJobChanged } from '../../stores/jobs';
import { useNodes } from '../../stores/nodes';
import { BasicsStep } from './BasicsStep';
import { checkClusterForm, emptyClusterForm, fieldOfPath, nodeIssues, setRole, specInputOf, STEP_FIELDS, stepErrors, type ClusterForm, type FormField, type NodeRole } from './cluster-form';
import { jobRunning } from './cluster-format';
import { NodesStep } from './NodesStep';
import { PreflightStep } from './PreflightStep';
import { preflightReportOf } from './report-format';
import { useJob } from './use-job';

type Step = 1 | 2 | 3;
const STEP_TITLES: Record<Step, string> = { 1: 'Name and networks', 2: 'Nodes', 3: 'Preflight' };

interface Props {
  onCreated(name: string, job: Job): void;
  onClose(): void;
}

export function NewClusterWizard({ onCreated, onClose }: Props) {
  const nodes = useNodes((s) => s.nodes);
  const existing = useClusters((s) => s.clusters).map((c) => c.name);
  const [form, setForm] = useState<ClusterForm>(emptyClusterForm);
  const [step, setStep] = useState<Step>(1);
  const [touched, setTouched] = useState<ReadonlySet<FormField>>(new Set());
  const [tried, setTried] = useState<ReadonlySet<Step>>(new Set());
  const [draft, setDraft] = useState<string | null>(null);
  const [preflightId, setPreflightId] = useState<string | null>(null);
  const [busy, setBusy] = useState<'preflight' | 'create' | null>(null);
  const [general, setGeneral] = useState<string | null>(null);
  const { job: preflight } = useJob(preflightId);

  const check = checkClusterForm(form, nodes, existing, draft);
  const shown = Object.fromEntries(
    Object.entries(check.errors).filter(([field]) => touched.has(field as FormField) || (tried.has(1) && STEP_FIELDS[1].includes(field as FormField))),
  ) as Partial<Record<FormField, string>>;
  const nodeMessages = new Set(form.controlPlane.concat(form.workers).flatMap((id) => nodeIssues(check.issues, form, id).map((i) => i.message)));
  // Step 2 lists the errors no node row shows: the networks' and endpoint's, and (once Next was tried) the missing control plane.
  const wholeSpecErrors = [
    ...STEP_FIELDS[1].map((f) => check.errors[f]),
    ...STEP_FIELDS[2].map((f) => check.errors[f]).filter((m) => tried.has(2) && m && !nodeMessages.has(m)),
  ].filter((m): m is string => Boolean(m));
  const report = preflightReportOf(preflight);
  const firstAddress = nodes.find((n) => n.id === form.controlPlane[0])?.address || null;

  const change = (changes: Partial<ClusterForm>) => {
    setForm((f) => ({ ...f, ...changes }));
    setTouched((t) => new Set([...t, ...(Object.keys(changes) as FormField[])]));
    setPreflightId(null); // the report was about the spec before this edit
  };
  const changeRole = (nodeId: string, role: NodeRole | null) => {
    setForm((f) => setRole(f, nodeId, role));
    setPreflightId(null);
  };
  const next = () => {
    setTried((t) => new Set([...t, step]));
    if (step === 3 || stepErrors(check, step).length > 0) return;
    setGeneral(null);
    setStep((step + 1) as Step);
  };

  const runPreflight = async () => {
    setBusy('preflight');
    setGeneral(null);
    try {
      const saved = await rpc().call('clusters.save', { spec: specInputOf(form) });
      upsertCluster(saved.cluster);
      // A rename after an earlier preflight: the draft under the old name is this wizard's own.
      if (draft && draft !== saved.cluster.name) await rpc().call('clusters.remove', { name: draft, confirmName: draft }).catch(() => undefined);
      setDraft(saved.cluster.name);
      const job = await rpc().call('clusters.preflight', { name: saved.cluster.name });
      onJobChanged(job);
      setPreflightId(job.id);
    } catch (err) {
      const core = formErrorsFromCore(err, fieldOfPath);
      const fields = Object.values(core.fields).filter(Boolean);
      setGeneral([core.general, ...fields].filter(Boolean).join(' ') || errorMessage(err));
    } finally {
      setBusy(null);
    }
  };
  const create = async () => {
    if (!draft) return;
    setBusy('create');
    setGeneral(null);
    try {
      const job = await rpc().call('clusters.bootstrap', { name: draft });
      onJobChanged(job);
      onCreated(draft, job);
      onClose();
    } catch (err) {
      setGeneral(`Could not start the bootstrap: ${errorMessage(err)}`);
      setBusy(null);
    }
  };

  const preflightRunning = jobRunning(preflight) || busy === 'preflight';
  return (
    <Dialog title="New cluster" onClose={onClose} className="dialog-form dialog-wide cluster-wizard">
      <ol className="wizard-steps" aria-label="Steps">
        {([1, 2, 3] as const).map((s) => (
          <li key={s} aria-current={s === step ? 'step' : undefined} className={s === step ? 'wizard-step-current' : s < step ? 'wizard-step-done' : undefined}>
            {s}. {STEP_TITLES[s]}
          </li>
        ))}
      </ol>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          next();
        }}
      >
        <h3 className="wizard-step-title">
          Step {step} of 3: {STEP_TITLES[step]}
        </h3>
        <FormError message={general} />
        {step === 1 && <BasicsStep form={form} errors={shown} firstAddress={firstAddress} onChange={change} />}
        {step === 2 && <NodesStep form={form} nodes={nodes} issues={check.issues} errors={wholeSpecErrors} onRole={changeRole} />}
        {step === 3 && check.spec && <PreflightStep key={preflightId ?? 'none'} spec={check.spec} nodes={nodes} warnings={check.issues.filter((i) => i.severity === 'warning')} job={preflight} />}
        {step === 3 && !check.spec && <p className="notice notice-error">The spec has problems: go back and fix them.</p>}
        <DialogActions onCancel={onClose} cancelLabel={draft ? 'Close (keep the draft)' : 'Cancel'}>
          {step > 1 && (
            <button type="button" className="btn" onClick={() => setStep((step - 1) as Step)} disabled={busy !== null}>
              Back
            </button>
          )}
          {step < 3 && (
            <button type="submit" className="btn btn-primary">
              Next
            </button>
          )}
          {step === 3 && (
            <button type="button" className={report?.ok ? 'btn' : 'btn btn-primary'} onClick={() => void runPreflight()} disabled={preflightRunning || !check.spec || stepErrors(check, 2).length > 0}>
              {preflightRunning ? 'Checking…' : preflight ? 'Run preflight again' : 'Run preflight'}
            </button>
          )}
          {step === 3 && (
            <button type="button" className="btn btn-primary" onClick={() => void create()} disabled={!report?.ok || preflightRunning || busy !== null}>
              {busy === 'create' ? 'Starting…' : 'Create cluster'}
            </button>
          )}
        </DialogActions>
      </form>
    </Dialog>
  );
}
