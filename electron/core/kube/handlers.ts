/**
 * The `clusters.*` methods. Thin: inputs arrive validated by the contract's schemas; the cluster
 * service does the work, and long work comes back as a job.
 */
import type { Handlers } from '../rpc/handlers';
import type { ClustersService } from './clusters-service';

type ClusterMethods = Extract<keyof Handlers, `clusters.${string}`>;

export function clusterHandlers(clusters: ClustersService): Pick<Handlers, ClusterMethods> {
  return {
    'clusters.list': () => clusters.list(),
    'clusters.get': ({ name }) => clusters.get(name),
    'clusters.save': ({ spec }) => clusters.save(spec),
    'clusters.check': ({ spec }) => clusters.check(spec),
    'clusters.remove': ({ name, confirmName }) => clusters.remove(name, confirmName),
    'clusters.preflight': ({ name }) => clusters.preflight(name),
    'clusters.bootstrap': ({ name }) => clusters.bootstrap(name),
    'clusters.status': ({ name }, { signal }) => clusters.status(name, signal),
    'clusters.kubeconfig': ({ name }) => clusters.kubeconfig(name),
    'clusters.mergeKubeconfig': ({ name, path }) => clusters.mergeKubeconfig(name, path),
    'clusters.teardownPlan': ({ name }, { signal }) => clusters.teardownPlan(name, signal),
    'clusters.teardown': ({ name, confirmName, mode }) => clusters.teardown(name, confirmName, mode),
    'clusters.wipeCheck': ({ name }) => clusters.wipeCheck(name),
    'clusters.rebuild': ({ name, confirmName, reinstall, reapplyStacks }) => clusters.rebuild(name, confirmName, { reinstall, reapplyStacks }),
  };
}
