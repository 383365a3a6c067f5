/** Bootstrapping a cluster with kubeadm (issue 7 §3): the job body the clusters service and the rebuild run. */
export { BOOTSTRAP_PHASES, DEFAULT_TIMING, runBootstrap } from './run-bootstrap';
export { BOOTSTRAP_FAILED } from './node-shell';
export { MARKER_PATH, type ClusterMarker } from './phases/marker';
export type { BootstrapDeps, BootstrapInput, BootstrapResult, BootstrapTiming, PhaseOutcome, PhaseReport } from './types';
