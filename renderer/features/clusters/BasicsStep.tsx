/** Wizard step 1: the cluster's name, Kubernetes version, pod network plugin, networks and endpoint. */
import { CNI_PLUGINS, DEFAULT_POD_CIDR, DEFAULT_SERVICE_CIDR, KUBERNETES_MINORS, type CniPlugin, type KubernetesMinor } from '../../../shared/domain/cluster';
import { Field } from '../../components/Field';
import type { ClusterForm, FormField } from './cluster-form';

interface Props {
  form: ClusterForm;
  /** The errors to show now (fields the user touched, or all after a try to go on). */
  errors: Partial<Record<FormField, string>>;
  /** The first control plane's address, for the endpoint's placeholder; null before one is picked. */
  firstAddress: string | null;
  onChange(changes: Partial<ClusterForm>): void;
}

const CNI_LABEL: Record<CniPlugin, string> = { flannel: 'Flannel (simple VXLAN overlay)', calico: 'Calico (network policies, BGP)' };

export function BasicsStep({ form, errors, firstAddress, onChange }: Props) {
  return (
    <div className="form-grid cluster-basics">
      <Field id="cluster-name" name="name" label="Name" error={errors.name} hint="Lower-case letters, digits and inner hyphens; it also names the kubeconfig context">
        {(control) => <input {...control} type="text" value={form.name} onChange={(e) => onChange({ name: e.target.value })} autoComplete="off" spellCheck={false} required />}
      </Field>
      <Field id="cluster-version" name="kubernetesVersion" label="Kubernetes version" error={errors.kubernetesVersion} hint="The newest patch of this minor is installed from pkgs.k8s.io">
        {(control) => (
          <select {...control} value={form.kubernetesVersion} onChange={(e) => onChange({ kubernetesVersion: e.target.value as KubernetesMinor })}>
            {[...KUBERNETES_MINORS].reverse().map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="cluster-cni" name="cni" label="Pod network plugin (CNI)" error={errors.cni}>
        {(control) => (
          <select {...control} value={form.cni} onChange={(e) => onChange({ cni: e.target.value as CniPlugin })}>
            {CNI_PLUGINS.map((c) => (
              <option key={c} value={c}>
                {CNI_LABEL[c]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="cluster-pod-cidr" name="podCidr" label="Pod network" error={errors.podCidr} hint={`Blank: ${form.cni}'s default, ${DEFAULT_POD_CIDR[form.cni]}. Each node gets a /24 of it.`}>
        {(control) => (
          <input {...control} type="text" value={form.podCidr} placeholder={DEFAULT_POD_CIDR[form.cni]} onChange={(e) => onChange({ podCidr: e.target.value })} autoComplete="off" spellCheck={false} />
        )}
      </Field>
      <Field id="cluster-service-cidr" name="serviceCidr" label="Service network" error={errors.serviceCidr} hint={`Blank: ${DEFAULT_SERVICE_CIDR}. Must not overlap the pod network or your LAN.`}>
        {(control) => (
          <input {...control} type="text" value={form.serviceCidr} placeholder={DEFAULT_SERVICE_CIDR} onChange={(e) => onChange({ serviceCidr: e.target.value })} autoComplete="off" spellCheck={false} />
        )}
      </Field>
      <Field
        id="cluster-endpoint"
        name="endpoint"
        label="Control-plane endpoint"
        error={errors.endpoint}
        hint="host or host:port every node and kubeconfig uses to reach the API server. Blank: the first control plane's address. Needed with more than one control plane (a load balancer or virtual IP)."
      >
        {(control) => (
          <input
            {...control}
            type="text"
            value={form.endpoint}
            placeholder={firstAddress ? `${firstAddress}:6443` : "first control plane's address:6443"}
            onChange={(e) => onChange({ endpoint: e.target.value })}
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
    </div>
  );
}
