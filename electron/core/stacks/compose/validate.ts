/**
 * Checks one compose file (after interpolation, before merging, as docker compose does) against
 * the keys and types Rackpilot supports. Whether the files together make a project (images,
 * references between services, networks and volumes) is checked after merging: references.ts.
 */
import type { Issues } from './issues';
import { anything, boolean, fields, listOf, mapOf, oneOf, string, type Check } from './shape';
import { valueOf, type MapNode, type SourceNode } from './source-node';
import { IPAM_CONFIG_HINTS, IPAM_HINTS, NETWORK_SPEC_KEYS, TOP_LEVEL_HINTS, TOP_LEVEL_SPEC_KEYS } from './unsupported';
import { listOrDict, service } from './validate-service';

/** docker compose's rule for service, network and volume keys (they become parts of engine names). */
const RESOURCE_KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

/** services, networks, volumes: names of the user's choosing; `x-*` entries among them are extensions, not checked. */
function namedMap(what: string, value: Check): Check {
  return (node, issues) => {
    if (node.kind !== 'map') return mapOf(value)(node, issues);
    for (const e of node.entries) {
      if (e.key.startsWith('x-')) continue;
      if (!RESOURCE_KEY.test(e.key)) {
        issues.error(e.keyAt, `${e.keyAt.path}: "${e.key}" is not a valid ${what} name: use letters, digits, ".", "_" and "-", starting with a letter or digit.`);
      }
      value(e.value, issues);
    }
  };
}

/** `external: true` only: the legacy `external: { name: x }` is spelled `external: true` + `name: x` now. */
const external: Check = oneOf(
  {
    boolean: anything,
    string: boolean,
    map: (node, issues) => issues.error(node.at, `${node.at.path} as a mapping is the obsolete spelling: write external: true and put the name in name: beside it.`),
  },
  'true or false',
);

/** An external resource is made elsewhere: settings for creating it would be ignored, so they are errors. */
const NETWORK_CREATE_KEYS = ['driver', 'driver_opts', 'labels', 'internal', 'attachable', 'ipam'];
const VOLUME_CREATE_KEYS = ['driver', 'driver_opts', 'labels'];

function externalWithout(keys: string[]): (map: MapNode, issues: Issues) => void {
  return (map, issues) => {
    const ext = valueOf(map, 'external');
    if (!(ext?.kind === 'scalar' && (ext.value === true || ext.value === 'true'))) return;
    for (const e of map.entries) {
      if (keys.includes(e.key)) issues.error(e.keyAt, `${e.keyAt.path} conflicts with external: true (an external ${map.at.path.split('.')[0] === 'networks' ? 'network' : 'volume'} is created outside this stack): remove ${e.key} or external.`);
    }
  };
}

const driverOpts = mapOf(oneOf({ string: anything, number: anything }, 'a string'));

const network = fields(
  {
    name: string,
    driver: string,
    driver_opts: driverOpts,
    external,
    labels: listOrDict,
    internal: boolean,
    attachable: boolean,
    ipam: fields({ config: listOf(fields({ subnet: string }, { hints: IPAM_CONFIG_HINTS })) }, { hints: IPAM_HINTS }),
  },
  { nullable: true, specKeys: NETWORK_SPEC_KEYS, refine: externalWithout(NETWORK_CREATE_KEYS) },
);

const volume = fields(
  { name: string, driver: string, driver_opts: driverOpts, external, labels: listOrDict },
  { nullable: true, refine: externalWithout(VOLUME_CREATE_KEYS) },
);

const version: Check = (node, issues) => {
  issues.warning(node.at, 'The top-level version is obsolete and ignored (as docker compose does): remove it to avoid confusion.');
};

const composeFile = fields(
  { version, name: string, services: namedMap('service', service), networks: namedMap('network', network), volumes: namedMap('volume', volume) },
  { hints: TOP_LEVEL_HINTS, specKeys: TOP_LEVEL_SPEC_KEYS },
);

/** Reports every unsupported key and wrongly typed value of one file. */
export function validateComposeFile(root: SourceNode, issues: Issues): void {
  if (root.kind !== 'map') {
    issues.error(root.at, `${root.at.file} must be a mapping with services: at the top, not a ${root.kind === 'seq' ? 'list' : 'plain value'}.`);
    return;
  }
  composeFile(root, issues);
}

/**
 * `external: true` in one file and `driver:` in another only meet after merging: the same rule,
 * on the merged definitions (a conflict within one file is reported once; issues are de-duplicated).
 */
export function checkMergedResources(merged: MapNode, issues: Issues): void {
  for (const [section, keys] of [['networks', NETWORK_CREATE_KEYS], ['volumes', VOLUME_CREATE_KEYS]] as const) {
    const defs = valueOf(merged, section);
    for (const e of defs?.kind === 'map' ? defs.entries : []) if (e.value.kind === 'map') externalWithout([...keys])(e.value, issues);
  }
}
