import { describe, expect, it } from 'vitest';
import { checkComposeSpec } from '../../testing/compose-schema';
import { loadComposeProject } from './load-project';
import type { LoadProjectInput } from './model';

const files: Record<string, string> = {
  '/srv/stacks/app/app.env': 'FROM_FILE=1\nSHARED=file\n',
  '/srv/stacks/app/broken.env': 'OK=1\nnot valid\n',
};

function load(compose: string, extra: Partial<LoadProjectInput> = {}) {
  // Every compose text these tests load is valid compose first: Rackpilot's rules come on top.
  expect(checkComposeSpec(compose).errors).toEqual([]);
  return loadComposeProject({
    projectName: 'app',
    workingDir: '/srv/stacks/app',
    files: [{ name: 'compose.yaml', content: compose }],
    envFile: '',
    variables: {},
    profiles: [],
    readFile: (path) => {
      const content = files[path];
      if (content === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
      return content;
    },
    ...extra,
  });
}

const brief = (r: ReturnType<typeof load>) => r.issues.map((i) => [i.severity, i.file, i.path, i.line, i.column, i.message]);

describe('normalization rules', () => {
  it('resolves bind sources against the stack folder and leaves ~ with a warning', () => {
    const r = load('services:\n  web:\n    image: a\n    volumes:\n      - ../shared:/shared\n      - ./data/./x:/x\n      - ~/music:/music\n');
    expect(r.project!.services.web!.mounts.map((m) => (m.type === 'bind' ? m.source : null))).toEqual(['/srv/stacks/shared', '/srv/stacks/app/data/x', '~/music']);
    expect(brief(r)).toEqual([
      ['warning', 'compose.yaml', 'services.web.volumes[2]', 7, 9, 'services.web.volumes[2]: "~/music" is used as written: Rackpilot does not expand ~ (the engine\'s home is not known here); write an absolute path.'],
    ]);
  });

  it('merges env_file under environment, passes bare keys through from variables, drops unset ones', () => {
    const r = load('services:\n  web:\n    image: a\n    env_file: app.env\n    environment:\n      SHARED: compose\n      PASSED:\n      UNSET:\n', { variables: { PASSED: 'from-variables' } });
    expect(r.issues).toEqual([]);
    expect(r.project!.services.web!.environment).toEqual({ FROM_FILE: '1', PASSED: 'from-variables', SHARED: 'compose' });
  });

  it('reports a missing env_file at its entry unless it is optional, and bad lines in the env_file itself', () => {
    const missing = load('services:\n  web:\n    image: a\n    env_file:\n      - nope.env\n      - path: optional.env\n        required: false\n');
    expect(missing.project).toBeNull();
    expect(brief(missing)).toEqual([
      ['error', 'compose.yaml', 'services.web.env_file[0]', 5, 9, "services.web.env_file[0]: env_file nope.env cannot be read (ENOENT: no such file, open '/srv/stacks/app/nope.env'): create it in the stack's folder, or set required: false."],
    ]);
    const broken = load('services:\n  web:\n    image: a\n    env_file: broken.env\n');
    expect(brief(broken).map((i) => i.slice(0, 5))).toEqual([['error', 'broken.env', '', 2, 1]]);
    expect(load('services:\n  web:\n    image: a\n    env_file: app.env\n', { readFile: undefined }).issues[0]!.message).toMatch(/cannot be read here/);
  });

  it('errors when a running service requires one whose profile is off; drops an optional one', () => {
    const compose = 'services:\n  web:\n    image: a\n    depends_on:\n      db: {condition: service_started}\n      tools: {condition: service_started, required: false}\n  db:\n    image: b\n    profiles: [data]\n  tools:\n    image: c\n    profiles: [debug]\n';
    expect(brief(load(compose))).toEqual([
      ['error', 'compose.yaml', 'services.web.depends_on.db', 5, 7, 'services.web depends on db, which only runs with profile data: enable that profile for the stack, or mark the dependency required: false.'],
    ]);
    const r = load(compose, { profiles: ['data'] });
    expect(r.issues).toEqual([]);
    expect(Object.keys(r.project!.services)).toEqual(['web', 'db']);
    expect(r.project!.services.web!.dependsOn).toEqual({ db: { condition: 'service_started', restart: false, required: true } });
  });

  it('rejects depends_on cycles and self-dependencies', () => {
    const r = load('services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n  c:\n    image: x\n    depends_on: [c]\n');
    expect(brief(r).map((i) => [i[2], i[3], i[5]])).toEqual([
      ['services.a', 2, 'depends_on forms a cycle (a → b → a): remove one of these dependencies.'],
      ['services.c.depends_on[0]', 10, 'services.c depends on itself: remove c from its depends_on.'],
    ]);
  });

  it('warns about a file name that is not the stack name and resources no service uses', () => {
    const r = load('name: other\nservices:\n  web:\n    image: a\nnetworks:\n  unused: {}\nvolumes:\n  spare:\n');
    expect(r.project).not.toBeNull();
    expect(brief(r).map((i) => [i[0], i[2], i[3]])).toEqual([
      ['warning', 'name', 1],
      ['warning', 'networks.unused', 6],
      ['warning', 'volumes.spare', 8],
    ]);
    expect(r.project!.networks).toEqual({ default: expect.objectContaining({ name: 'app_default' }) });
    expect(r.project!.volumes).toEqual({});
  });

  it('uses a declared default network and explicit names', () => {
    const r = load('services:\n  web:\n    image: a\n    volumes: ["data:/d"]\nnetworks:\n  default:\n    name: lab\n    driver_opts: {mtu: 1400}\nvolumes:\n  data:\n    name: shared-data\n');
    expect(r.project!.networks.default).toMatchObject({ name: 'lab', external: false, driverOpts: { mtu: '1400' } });
    expect(r.project!.volumes.data).toEqual({ name: 'shared-data', external: false, driver: null, driverOpts: {}, labels: {} });
  });

  it('truncates stop_grace_period to seconds and rejects conflicting limits', () => {
    expect(load('services:\n  web:\n    image: a\n    stop_grace_period: 1500ms\n').project!.services.web!.stopGracePeriodSeconds).toBe(1);
    const r = load('services:\n  web:\n    image: a\n    mem_limit: 1g\n    deploy:\n      resources:\n        limits: {memory: 512m}\n');
    expect(brief(r).map((i) => [i[2], i[5]])).toEqual([['services.web.mem_limit', 'services.web.mem_limit and deploy.resources.limits.memory differ: keep one of them.']]);
    expect(load('services:\n  web:\n    image: a\n    mem_limit: 1g\n    deploy:\n      resources:\n        limits: {memory: 1024m}\n').issues).toEqual([]);
  });

  it('keeps going on an unset variable (a warning) and defaults the restart policy', () => {
    const r = load('services:\n  web:\n    image: nginx:${TAG}\n');
    expect(r.project!.services.web!.image).toBe('nginx:');
    expect(r.project!.services.web!.restart).toEqual({ name: 'no' });
    expect(brief(r).map((i) => i[0])).toEqual(['warning']);
  });

  it('needs services and at least one file', () => {
    expect(brief(load('networks:\n  lan: {}\n')).filter((i) => i[0] === 'error')).toEqual([
      ['error', 'compose.yaml', '', null, null, 'The stack has no services: add a services: section with at least one service that has an image:.'],
    ]);
    expect(loadComposeProject({ projectName: 'app', workingDir: '/w', files: [], envFile: '', variables: {}, profiles: [] }).issues[0]!.message).toBe('The stack has no compose file: add compose.yaml.');
  });
});
