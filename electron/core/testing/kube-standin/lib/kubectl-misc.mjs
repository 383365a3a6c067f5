/** kubectl logs, version and cluster-info, as the real commands print them. */
import YAML from 'yaml';
import { versionInfo } from './api-handlers.mjs';
import { Exit, out } from './cli.mjs';
import { kubectlClient, kubectlError } from './kubectl-context.mjs';

export async function logs(client, flags, positional) {
  const ns = flags.namespace ?? 'default';
  let pods;
  const explicitTail = flags.tail !== undefined;
  if (flags.selector) {
    const sel = encodeURIComponent([].concat(flags.selector).join(','));
    pods = (await client.get(`/api/v1/namespaces/${ns}/pods?labelSelector=${sel}`)).items ?? [];
    if (pods.length === 0) {
      process.stderr.write(`No resources found in ${ns} namespace.\n`);
      return;
    }
  } else {
    const target = positional[0];
    if (!target) throw new Exit(1, "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples");
    const [kind, name] = target.includes('/') ? target.split('/') : ['pod', target];
    if (['pod', 'pods', 'po'].includes(kind)) pods = [await client.get(`/api/v1/namespaces/${ns}/pods/${name}`)];
    else {
      const plural = { ds: 'daemonsets', daemonset: 'daemonsets', daemonsets: 'daemonsets', deploy: 'deployments', deployment: 'deployments', deployments: 'deployments' }[kind];
      if (!plural) throw new Exit(1, `error: cannot get the logs from ${kind}`);
      const owner = await client.get(`/apis/apps/v1/namespaces/${ns}/${plural}/${name}`);
      const sel = Object.entries(owner.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      const all = (await client.get(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(sel)}`)).items ?? [];
      if (all.length === 0) throw new Exit(1, `error: timed out waiting for the condition`);
      pods = [all[0]];
    }
  }
  const tail = explicitTail ? Number(flags.tail) : flags.selector ? 10 : -1;
  for (const pod of pods) {
    const containers = flags['all-containers'] ? (pod.spec.containers ?? []).map((c) => c.name) : [flags.container ?? pod.spec.containers?.[0]?.name];
    for (const c of containers) {
      const q = new URLSearchParams({ container: c });
      if (tail >= 0) q.set('tailLines', String(tail));
      if (flags.previous) q.set('previous', 'true');
      const r = await client.request('GET', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/log?${q}`);
      const prefix = flags.prefix ? `[pod/${pod.metadata.name}/${c}] ` : '';
      process.stdout.write(r.text.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1).map((l) => `${prefix}${l}\n`).join(''));
    }
  }
}

export async function version(flags, clientVersion) {
  const client = { gitVersion: clientVersion, ...versionInfo(clientVersion) };
  let server = null;
  let failure = null;
  if (!flags.client) {
    try {
      server = await kubectlClient(flags).get('/version');
    } catch (e) {
      failure = e instanceof Exit ? e : kubectlError(e);
    }
  }
  const data = { clientVersion: client, kustomizeVersion: 'v5.7.1', ...(server ? { serverVersion: server } : {}) };
  if (flags.output === 'json') out(JSON.stringify(data, null, 2));
  else if (flags.output === 'yaml') process.stdout.write(YAML.stringify(data));
  else {
    out(`Client Version: ${clientVersion}`);
    out('Kustomize Version: v5.7.1');
    if (server) out(`Server Version: ${server.gitVersion}`);
  }
  if (failure) throw failure;
}

export async function clusterInfo(client) {
  await client.get('/version');
  const server = client.conn.server.replace(/\/$/, '');
  const green = (s) => `\u001b[0;32m${s}\u001b[0m`;
  const yellow = (s) => `\u001b[0;33m${s}\u001b[0m`;
  const color = process.stdout.isTTY;
  out(`${color ? green('Kubernetes control plane') : 'Kubernetes control plane'} is running at ${color ? yellow(server) : server}`);
  const dns = await client.find('/api/v1/namespaces/kube-system/services/kube-dns');
  if (dns) out(`${color ? green('CoreDNS') : 'CoreDNS'} is running at ${server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy`);
  out('');
  out("To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
}
