/**
 * Teardown with a safety net (issue 7 §6): the plan for the confirmation, the job body, and the
 * clean-wipe check. The clusters service owns the records; this module only talks to nodes.
 */
export { planTeardown, type PlanTeardownOptions } from './plan';
export { runTeardown, TEARDOWN_PHASES, type TeardownOptions, type TeardownResult } from './run-teardown';
export { checkCleanWipe } from './wipe-check';
export { BACKUP_FAILED } from './backup';
export { BACKUP_FILES, type BackupManifest } from './backup-files';
