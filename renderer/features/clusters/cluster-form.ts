/**
 * The New cluster wizard's form (pure): what a person types and picks → the spec the core takes,
 * checked as the core will check it — the schema (clusterSpecSchema) and the inventory checks
 * (checkClusterSpec) — on every edit, so problems show beside the field that causes them.
 */
import {
  checkClusterSpec,
  clusterSpecSchema,
  DEFAULT_KUBERNETES_MINOR,
  type ClusterNodeRef,
  type ClusterSpec,
  type ClusterSpecInput,
  type ClusterSpecIssue,
  type CniPlugin,
  type KubernetesMinor,
} from '../../../shared/domain/cluster';

export interface ClusterForm {
  name: string;
  kubernetesVersion: KubernetesMinor;
  cni: CniPlugin;
  /** Blank: the CNI's default. */
  podCidr: string;
  /** Blank: the default service network. */
  serviceCidr: string;
  /** Blank: the first control plane's address:6443. */
  endpoint: string;
  /** In the order picked: the first control plane runs `kubeadm init`. */
  controlPlane: string[];
  workers: string[];
}

export type FormField = 'name' | 'kubernetesVersion' | 'cni' | 'podCidr' | 'serviceCidr' | 'endpoint' | 'controlPlane' | 'workers';
export type NodeRole = 'control-plane' | 'worker';

/** The fields of each wizard step; step 3 (preflight) has none. */
export const STEP_FIELDS: Record<1 | 2, readonly FormField[]> = {
  1: ['name', 'kubernetesVersion', 'cni', 'podCidr', 'serviceCidr', 'endpoint'],
  2: ['controlPlane', 'workers'],
};

export function emptyClusterForm(): ClusterForm {
  return { name: '', kubernetesVersion: DEFAULT_KUBERNETES_MINOR, cni: 'flannel', podCidr: '', serviceCidr: '', endpoint: '', controlPlane: [], workers: [] };
}

export function roleOf(form: Pick<ClusterForm, 'controlPlane' | 'workers'>, nodeId: string): NodeRole | null {
  if (form.controlPlane.includes(nodeId)) return 'control-plane';
  return form.workers.includes(nodeId) ? 'worker' : null;
}

/** Gives a node one role (or none): a node is never both a control plane and a worker. */
export function setRole(form: ClusterForm, nodeId: string, role: NodeRole | null): ClusterForm {
  const controlPlane = form.controlPlane.filter((id) => id !== nodeId);
  const workers = form.workers.filter((id) => id !== nodeId);
  if (role === 'control-plane') controlPlane.push(nodeId);
  if (role === 'worker') workers.push(nodeId);
  return { ...form, controlPlane, workers };
}

/** The spec input the core takes: blank optional fields are left out, so the core's defaults apply. */
export function specInputOf(form: ClusterForm): ClusterSpecInput {
  const optional = (value: string) => (value.trim() ? value.trim() : undefined);
  const podCidr = optional(form.podCidr);
  const serviceCidr = optional(form.serviceCidr);
  const controlPlaneEndpoint = optional(form.endpoint);
  return {
    name: form.name.trim(),
    kubernetesVersion: form.kubernetesVersion,
    cni: form.cni,
    controlPlane: [...form.controlPlane],
    workers: [...form.workers],
    ...(podCidr ? { podCidr } : {}),
    ...(serviceCidr ? { serviceCidr } : {}),
    ...(controlPlaneEndpoint ? { controlPlaneEndpoint } : {}),
  };
}

const FIELD_OF_PATH: Record<string, FormField> = {
  name: 'name',
  kubernetesVersion: 'kubernetesVersion',
  cni: 'cni',
  podCidr: 'podCidr',
  serviceCidr: 'serviceCidr',
  controlPlaneEndpoint: 'endpoint',
  controlPlane: 'controlPlane',
  workers: 'workers',
};

/** The form field a spec path belongs to (['controlPlaneEndpoint'] → endpoint); null for none. */
export function fieldOfPath(path: readonly unknown[]): FormField | null {
  return FIELD_OF_PATH[String(path[0])] ?? null;
}

export interface FormCheck {
  /** The parsed spec, when the schema accepts the form. */
  spec: ClusterSpec | null;
  /** The first error per field: the schema's, then the inventory checks' errors. */
  errors: Partial<Record<FormField, string>>;
  /** The inventory checks' findings (errors and warnings), for the node list and the summary. */
  issues: ClusterSpecIssue[];
}

/**
 * Checks the form like the core will. `existing` are the names of the clusters already stored
 * (saving under one of them would replace that cluster); `own` is the draft this wizard saved.
 */
export function checkClusterForm(form: ClusterForm, nodes: readonly ClusterNodeRef[], existing: readonly string[], own: string | null): FormCheck {
  const errors: Partial<Record<FormField, string>> = {};
  const parsed = clusterSpecSchema.safeParse(specInputOf(form));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOfPath(issue.path);
      if (field) errors[field] ??= issue.message;
    }
  }
  const name = form.name.trim();
  if (!name) errors.name = 'Enter a name for the cluster, e.g. lab-1';
  else if (name !== own && existing.includes(name)) errors.name = `A cluster named ${name} already exists: choose another name, or open it from the list`;
  const issues = parsed.success ? checkClusterSpec(parsed.data, nodes) : networkIssues(form, nodes);
  for (const issue of issues) {
    const field = fieldOfPath(issue.path);
    if (issue.severity === 'error' && field) errors[field] ??= issue.message;
  }
  return { spec: parsed.success ? parsed.data : null, errors, issues };
}

/**
 * Before any node is picked (step 1) the spec cannot parse, yet the networks can already be
 * checked against each other: check the form with a nominal control plane and keep only the
 * findings that are not about nodes.
 */
function networkIssues(form: ClusterForm, nodes: readonly ClusterNodeRef[]): ClusterSpecIssue[] {
  if (form.controlPlane.length > 0) return [];
  const nominal = clusterSpecSchema.safeParse({ ...specInputOf(form), name: 'nominal', controlPlane: [NOMINAL_NODE] });
  if (!nominal.success) return [];
  return checkClusterSpec(nominal.data, nodes).filter((i) => i.path[0] !== 'controlPlane' && i.path[0] !== 'workers');
}
const NOMINAL_NODE = 'nominal-control-plane';

/** The errors that keep a step from going on. */
export function stepErrors(check: FormCheck, step: 1 | 2): string[] {
  const fields = step === 1 ? STEP_FIELDS[1] : [...STEP_FIELDS[1], ...STEP_FIELDS[2]];
  return fields.flatMap((f) => (check.errors[f] ? [check.errors[f]] : []));
}

/** The inventory issues about one node (their path is [role, index]). */
export function nodeIssues(issues: readonly ClusterSpecIssue[], form: Pick<ClusterForm, 'controlPlane' | 'workers'>, nodeId: string): ClusterSpecIssue[] {
  return issues.filter((i) => {
    const [role, index] = i.path;
    if ((role !== 'controlPlane' && role !== 'workers') || typeof index !== 'number') return false;
    return form[role][index] === nodeId;
  });
}

/** The issues not about one node (CIDRs, the number of control planes), for the summary. */
export function clusterIssues(issues: readonly ClusterSpecIssue[]): ClusterSpecIssue[] {
  return issues.filter((i) => typeof i.path[1] !== 'number');
}
