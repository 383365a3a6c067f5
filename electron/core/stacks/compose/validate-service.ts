/**
 * The service keys Rackpilot supports, with their types and formats (issue 6, item 2). Every
 * other key is an error that names it (see unsupported.ts for the hints).
 */
import { parseDevice, parseDeviceLong, parseExtraHost } from './host-entries';
import { parseVolumeLong, parseVolumeString, type LongVolume } from './mounts';
import { splitShellWords } from './shell-words';
import { parsePortLong, parsePortString, type LongPort } from './ports';
import { anything, boolean, enumOf, fields, integer, listOf, mapOf, oneOf, scalarOf, string, stringOf, type Check } from './shape';
import { toPlain, valueOf, type MapNode } from './source-node';
import { DEPLOY_HINTS, HEALTHCHECK_HINTS, PORT_SPEC_KEYS, RESOURCES_HINTS, SERVICE_HINTS, SERVICE_NETWORK_SPEC_KEYS, SERVICE_SPEC_KEYS, BIND_HINTS } from './unsupported';
import { parseBytes, parseCpus, parseDuration, parseRestart, type Parsed } from './values';

const stringList = listOf(string);

const duration = stringOf(parseDuration, 'a duration like 30s or 1m30s');

const command = oneOf({ string: stringOf(splitShellWords, 'a command'), list: stringList, null: anything }, 'a string or a list of strings');

/** `KEY=value` (or a bare `KEY`) in the list form of environment and labels. */
const keyValueItem = stringOf((s) => (s === '' || s.startsWith('=') ? { ok: false, error: `"${s}" has no name before "="` } : { ok: true, value: s }), 'a KEY=value string');

/** environment, labels: `{ KEY: value }` or `[KEY=value]`. */
export const listOrDict = oneOf(
  {
    map: mapOf(oneOf({ string: anything, number: anything, boolean: anything, null: anything }, 'a string, number or boolean')),
    list: listOf(keyValueItem),
  },
  'a mapping or a list of KEY=value strings',
);

/** The parser's verdict on a whole mapping (long port and volume syntax), reported at the mapping. */
function refineWith<T>(parse: (plain: T) => Parsed<unknown>): (map: MapNode, issues: Parameters<Check>[1]) => void {
  return (map, issues) => {
    const parsed = parse(toPlain(map) as T);
    if (!parsed.ok) issues.error(map.at, `${map.at.path}: ${parsed.error}.`);
  };
}

const port = oneOf(
  {
    number: integer(1, 65535),
    string: stringOf(parsePortString, 'a port mapping like 8080:80'),
    map: fields(
      { target: oneOf({ number: anything, string: anything }, 'a port number'), published: oneOf({ number: anything, string: anything, null: anything }, 'a port number'), host_ip: string, protocol: string, mode: string },
      { required: ['target'], specKeys: PORT_SPEC_KEYS, refine: refineWith<LongPort>(parsePortLong) },
    ),
  },
  'a port mapping like "8080:80" or a mapping with target:',
);

const sizeOrNumber = oneOf({ number: anything, string: anything }, 'a size like 64m');

const volume = oneOf(
  {
    string: stringOf(parseVolumeString, 'a volume like data:/var/lib/data'),
    map: fields(
      {
        type: string,
        source: string,
        target: string,
        read_only: boolean,
        consistency: string,
        volume: fields({ nocopy: boolean }),
        bind: fields({ create_host_path: boolean }, { hints: BIND_HINTS }),
        tmpfs: fields({ size: sizeOrNumber, mode: sizeOrNumber }),
      },
      { required: ['type'], refine: refineWith<LongVolume>(parseVolumeLong) },
    ),
  },
  'a volume like "data:/var/lib/data" or a mapping with type: and target:',
);

const serviceNetworks = oneOf(
  {
    list: stringList,
    map: mapOf(fields({ aliases: stringList, ipv4_address: string }, { nullable: true, specKeys: SERVICE_NETWORK_SPEC_KEYS })),
  },
  'a list of network names or a mapping of network names',
);

const dependsOn = oneOf(
  {
    list: stringList,
    map: mapOf(fields({ condition: enumOf(['service_started', 'service_healthy', 'service_completed_successfully']), restart: boolean, required: boolean }, { nullable: true })),
  },
  'a list of service names or a mapping of service names',
);

const HEALTHCHECK_TEST_FORMS = ['NONE', 'CMD', 'CMD-SHELL'];

const healthcheck = fields(
  { test: oneOf({ string, list: stringList }, 'a command string or a list like [CMD, curl, -f, http://localhost]'), interval: duration, timeout: duration, retries: integer(0, 1_000_000), start_period: duration, disable: boolean },
  {
    hints: HEALTHCHECK_HINTS,
    refine: (map, issues) => {
      const test = valueOf(map, 'test');
      if (test?.kind !== 'seq') return;
      const first = test.items[0];
      const word = first?.kind === 'scalar' ? first.value : undefined;
      if (typeof word !== 'string' || !HEALTHCHECK_TEST_FORMS.includes(word)) {
        issues.error(test.at, `${test.at.path} as a list must start with CMD, CMD-SHELL or NONE (e.g. [CMD, wget, -q, --spider, http://localhost]).`);
      }
    },
  },
);

const device = oneOf(
  {
    string: stringOf(parseDevice, 'a device like /dev/ttyUSB0:/dev/ttyUSB0'),
    map: fields(
      { source: string, target: string, permissions: string },
      { required: ['source'], refine: refineWith<{ source: string; target?: string; permissions?: string }>((d) => parseDeviceLong(d.source, d.target, d.permissions)) },
    ),
  },
  'a device like "/dev/ttyUSB0" or a mapping with source:',
);

const extraHosts = oneOf(
  { list: listOf(stringOf(parseExtraHost, 'a HOST:IP string')), map: mapOf(oneOf({ string, list: stringList }, 'an IP address or a list of them')) },
  'a list of HOST:IP strings or a mapping of host names to IP addresses',
);

const logging = fields({ driver: string, options: mapOf(oneOf({ string: anything, number: anything, null: anything }, 'a string')) });

const cpus = scalarOf(parseCpus, 'a CPU count like 0.5');
const memory = scalarOf(parseBytes, 'a size like 512m');
const pids = integer(-1, 2 ** 31 - 1);

const deploy = fields(
  { resources: fields({ limits: fields({ cpus, memory, pids }) }, { hints: RESOURCES_HINTS }) },
  { hints: DEPLOY_HINTS },
);

const envFile = oneOf(
  {
    string,
    list: listOf(oneOf({ string, map: fields({ path: string, required: boolean }, { required: ['path'] }) }, 'a path or a mapping with path:')),
  },
  'a path or a list of paths',
);

export const service: Check = fields(
  {
    image: string,
    command,
    entrypoint: command,
    environment: listOrDict,
    env_file: envFile,
    ports: listOf(port),
    volumes: listOf(volume),
    networks: serviceNetworks,
    depends_on: dependsOn,
    restart: stringOf(parseRestart, 'a restart policy'),
    healthcheck,
    labels: listOrDict,
    user: string,
    working_dir: string,
    hostname: string,
    cap_add: stringList,
    cap_drop: stringList,
    devices: listOf(device),
    extra_hosts: extraHosts,
    logging,
    privileged: boolean,
    init: boolean,
    stop_grace_period: duration,
    deploy,
    profiles: stringList,
    // The pre-deploy spellings of deploy.resources.limits, still common in compose files.
    mem_limit: memory,
    cpus,
    pids_limit: pids,
  },
  { hints: SERVICE_HINTS, specKeys: SERVICE_SPEC_KEYS },
);
