/**
 * What a recipe is: an ordered list of steps, each a pair of shell scripts run on the node — a
 * `check` that says whether the step's work is already done, and an `apply` that does it. Keeping
 * the check separate is what makes a second run report `changed: 0`, and what check mode runs.
 */
import type { RecipeId, RecipeParams } from '../../../shared/domain/recipe';
import type { OsInfo } from './os-info';

export interface StepContext {
  /** The node's name; the base recipe makes it the host name. */
  nodeName: string;
  /** The SSH user Rackpilot logs in as (the node's admin user). */
  adminUser: string;
  params: RecipeParams;
  os: OsInfo;
}

export interface RecipeStep {
  id: string;
  title: string;
  /** A reason to skip this step on this node (e.g. "root needs no sudo rule"), or null. */
  skip?: (ctx: StepContext) => string | null;
  /**
   * POSIX sh, run as root. Exit 0: already done; exit 1: needs applying; any other exit: the check
   * itself failed. Its last line of stdout is the step's message ("hostname is r720-01").
   */
  check: (ctx: StepContext) => string;
  /** POSIX sh, run as root, making the check pass. Absent: a verification step. */
  apply?: (ctx: StepContext) => string;
}

export interface Recipe {
  id: RecipeId | (string & {});
  title: string;
  description: string;
  /** A reason this recipe cannot run on the node's OS, or null when it can. */
  unsupported?: (os: OsInfo) => string | null;
  steps: RecipeStep[];
}
