/**
 * One-shot faults: a fault that models something the next attempt fixes (an expired token the
 * orchestration replaces) fires once and is then removed from the rack's faults/<node> file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasFault, nodeInfo, RACK_DIR } from './record.mjs';

/** True (and the fault is gone) when `name` was injected for this node. */
export function consumeFault(name) {
  if (!hasFault(name)) return false;
  const file = join(RACK_DIR, 'faults', nodeInfo().name);
  try {
    const rest = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && l.trim() !== name);
    writeFileSync(file, rest.map((l) => `${l}\n`).join(''));
  } catch {
    // the file went away meanwhile: nothing left to consume
  }
  return true;
}
