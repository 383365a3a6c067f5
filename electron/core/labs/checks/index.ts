/** Lab checks (issue 8): each kind judged against the learner's real nodes. */
export type { CheckDeps, CheckTarget } from './check-deps';
export { runCheck, SAW_MAX } from './run-check';
export { readBootId, readBootIds } from './boot-ids';
