/**
 * Marker: /etc/kubernetes/rackpilot-cluster.json on every node says which cluster Rackpilot built
 * there, in which role. Teardown and the wipe check read it; the bootstrap reads it to refuse to
 * touch a node that belongs to another cluster, and to never reset a cluster it once finished.
 */
import { z } from 'zod';
import { RackpilotError } from '../../../../../shared/errors';
import { BOOTSTRAP_FAILED, sh } from '../node-shell';
import { done, pending, type Phase } from '../phase-runner';
import type { BootstrapRun, Member } from '../types';

export const MARKER_PATH = '/etc/kubernetes/rackpilot-cluster.json';

const markerSchema = z.object({
  cluster: z.string(),
  role: z.enum(['control-plane', 'worker']),
  endpoint: z.string(),
  version: z.string(),
  at: z.string(),
});
export type ClusterMarker = z.infer<typeof markerSchema>;

/** The node's marker; null when there is none. A file that is not a marker counts as none. */
export async function readMarker(b: BootstrapRun, m: Member): Promise<ClusterMarker | null> {
  const r = await sh(b, m.node, `cat ${MARKER_PATH} 2>/dev/null || true`);
  try {
    const parsed = markerSchema.safeParse(JSON.parse(r.stdout));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Stops before a phase changes a node that another cluster's bootstrap marked as its own. */
export async function refuseOtherCluster(b: BootstrapRun, m: Member): Promise<ClusterMarker | null> {
  const marker = await readMarker(b, m);
  if (marker && marker.cluster !== b.spec.name) {
    throw new RackpilotError(
      BOOTSTRAP_FAILED,
      `${m.node.name} is a ${marker.role} of cluster ${marker.cluster} (${MARKER_PATH}, built ${marker.at}): tear that cluster down first, or choose another node for ${b.spec.name}.`,
    );
  }
  return marker;
}

const versionOf = (b: BootstrapRun) => b.learned.kubeadmVersion ?? b.rendered.kubernetesVersion;

export const markerPhase: Phase = {
  name: 'Marker',
  parallel: true,
  units: (b) =>
    b.members.map((m) => ({
      where: m.node.name,
      async check() {
        const marker = await refuseOtherCluster(b, m);
        if (!marker) return pending(`${MARKER_PATH} is missing`);
        const want = { role: m.plan.role, endpoint: b.rendered.endpoint, version: versionOf(b) };
        const off = (Object.keys(want) as (keyof typeof want)[]).find((k) => marker[k] !== want[k]);
        if (off) return pending(`${MARKER_PATH} says ${off} ${marker[off]}, not ${want[off]}`);
        return done(`marked as ${m.plan.role} of ${b.spec.name} (${want.version}, ${want.endpoint})`);
      },
      async apply() {
        const marker: ClusterMarker = {
          cluster: b.spec.name,
          role: m.plan.role,
          endpoint: b.rendered.endpoint,
          version: versionOf(b),
          at: new Date().toISOString(),
        };
        await b.deps.remote.writeFile(m.node, MARKER_PATH, `${JSON.stringify(marker, null, 2)}\n`, { mode: '644', signal: b.signal });
      },
    })),
};
