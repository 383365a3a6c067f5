import { describe, expect, it } from 'vitest';
import type { ComposeProject } from '../compose/model';
import { serviceConfigHash } from './config-hash';
import type { ObservedProject } from './observed';
import { planStack } from './planner';
import { observedFor, observedNetworks, testNetwork, testProject, testService, testVolume } from './testing-project';

const IMG = 'sha256:1111111111111111111111111111111111111111111111111111111111111111';
const IMG2 = 'sha256:2222222222222222222222222222222222222222222222222222222222222222';

function stack(): ComposeProject {
  return testProject('shop', [
    testService('db', { image: 'example/db:1', environment: { PASSWORD: 'x' } }),
    testService('web', { environment: { MODE: 'prod' }, dependsOn: { db: { condition: 'service_started', restart: true, required: true } } }),
    testService('cache'),
  ]);
}

/** The engine state right after applying `project` unchanged. */
function deployed(project: ComposeProject): ObservedProject {
  const networks = observedNetworks(project);
  const ids = Object.fromEntries(networks.map((n) => [n.name, n.id]));
  return {
    name: project.name,
    containers: Object.values(project.services).map((s) => observedFor(project, s, IMG, ids)),
    networks,
    volumes: Object.values(project.volumes).map((v) => ({ name: v.name, driver: 'local', labels: {}, ofProject: true })),
  };
}

const images = (...refs: string[]) => new Map(refs.map((r) => [r, IMG]));
const allImages = images('example/app:1', 'example/db:1');
const summary = (p: ReturnType<typeof planStack>) => p.actions.map((a) => `${a.service}:${a.action}`);

describe('planStack', () => {
  it('creates everything on an empty engine, dependencies first, pulling what is missing', () => {
    const p = stack();
    const plan = planStack(p, { name: 'shop', containers: [], networks: [], volumes: [] }, images('example/app:1'));
    expect(summary(plan)).toEqual(['cache:create', 'db:create', 'web:create']);
    expect(plan.actions[2]!.container).toBe('shop-web-1');
    expect(plan.resources).toEqual([{ action: 'create', kind: 'network', name: 'shop_default' }]);
    expect(plan.pulls).toEqual(['example/db:1']);
    expect(plan.noop).toBe(false);
  });

  it('plans an unchanged stack as a no-op with a stable hash', () => {
    const p = stack();
    const a = planStack(p, deployed(p), allImages);
    const b = planStack(stack(), deployed(stack()), allImages);
    expect(a.noop).toBe(true);
    expect(a.pulls).toEqual([]);
    expect(summary(a)).toEqual(['cache:keep', 'db:keep', 'web:keep']);
    expect(a.planHash).toBe(b.planHash);
  });

  it('recreates only the service whose environment changed, naming the part', () => {
    const p = stack();
    const observed = deployed(p);
    p.services.web!.environment = { MODE: 'dev' };
    const plan = planStack(p, observed, allImages);
    expect(summary(plan)).toEqual(['cache:keep', 'db:keep', 'web:recreate']);
    expect(plan.actions[2]!.reasons).toEqual(['config changed: environment']);
    expect(plan.noop).toBe(false);
    expect(plan.planHash).not.toBe(planStack(stack(), deployed(stack()), allImages).planHash);
  });

  it('names several changed parts in a stable order', () => {
    const p = stack();
    const observed = deployed(p);
    p.services.cache!.ports = [{ target: 80, published: 8080, hostIp: '', protocol: 'tcp' }];
    p.services.cache!.command = ['sh', '-c', 'sleep 1d'];
    expect(planStack(p, observed, allImages).actions[0]!.reasons).toEqual(['config changed: command, ports']);
  });

  it('sees an image change by reference and by id', () => {
    const p = stack();
    const observed = deployed(p);
    p.services.cache!.image = 'example/app:2';
    const byRef = planStack(p, observed, new Map([...allImages, ['example/app:2', IMG]]));
    expect(byRef.actions[0]!.reasons).toEqual(['image changed (example/app:1 → example/app:2)']);

    const byId = planStack(stack(), deployed(stack()), new Map([['example/app:1', IMG2], ['example/db:1', IMG]]));
    expect(summary(byId)).toEqual(['cache:recreate', 'db:keep', 'web:recreate']);
    expect(byId.actions[0]!.reasons).toEqual(['image changed (example/app:1: sha256:111111111111 → sha256:222222222222)']);
  });

  it('recreates a container whose network was recreated under the same name', () => {
    const p = stack();
    const observed = deployed(p);
    observed.networks[0]!.id = 'id-new';
    const plan = planStack(p, observed, allImages);
    expect(plan.actions.every((a) => a.action === 'recreate' && a.reasons[0] === 'network changed (shop_default)')).toBe(true);
  });

  it('reports an alias change as a network change', () => {
    const p = stack();
    const observed = deployed(p);
    p.services.db!.networks = { default: { aliases: ['database'], ipv4Address: null } };
    expect(planStack(p, observed, allImages).actions[1]!.reasons).toEqual(['network changed (aliases or addresses)']);
  });

  it('starts stopped containers and keeps a one-shot job that completed', () => {
    const p = stack();
    p.services.web!.dependsOn.cache = { condition: 'service_completed_successfully', restart: false, required: true };
    const observed = deployed(p);
    observed.containers.find((c) => c.service === 'cache')!.state = 'exited';
    observed.containers.find((c) => c.service === 'db')!.state = 'exited';
    observed.containers.find((c) => c.service === 'db')!.exitCode = 137;
    const plan = planStack(p, observed, allImages);
    expect(summary(plan)).toEqual(['cache:keep', 'db:start', 'web:keep']);
    expect(plan.actions[1]!.reasons).toEqual(['stopped (exited)']);
  });

  it('removes orphans and scaled-out extras', () => {
    const p = stack();
    const observed = deployed(p);
    const old = testService('worker');
    observed.containers.push(observedFor(p, old, IMG, {}, { id: 'id-worker', name: 'shop-worker-1' }));
    observed.containers.push(observedFor(p, p.services.web!, IMG, {}, { id: 'id-web-2', name: 'shop-web-2', number: 2 }));
    observed.containers.push(observedFor(p, p.services.web!, IMG, {}, { id: 'id-run', name: 'shop-web-run-1', oneoff: true }));
    const plan = planStack(p, observed, allImages);
    expect(summary(plan)).toEqual(['cache:keep', 'db:keep', 'web:keep', 'web:remove-orphan', 'worker:remove-orphan']);
    expect(plan.actions[3]!.container).toBe('shop-web-2');
    expect(plan.actions[4]!.reasons).toEqual(['service worker is no longer in the stack']);
  });

  it('recreates containers docker compose made once, saying why', () => {
    const p = stack();
    const observed = deployed(p);
    for (const c of observed.containers) Object.assign(c, { configHash: 'abc', configParts: null, createdBy: 'docker-compose' });
    const plan = planStack(p, observed, allImages);
    expect(plan.actions[0]!.reasons).toEqual(['config changed: created by docker-compose, whose config hash Rackpilot cannot compare']);
  });

  it('keeps existing volumes and networks, creates missing ones, flags missing external ones', () => {
    const p = stack();
    p.volumes = { data: testVolume('shop_data'), shared: testVolume('shared', { external: true }) };
    p.networks.proxy = testNetwork('proxy', { external: true });
    const observed = deployed(p);
    observed.networks = observed.networks.filter((n) => n.name !== 'proxy');
    observed.volumes = [];
    const plan = planStack(p, observed, allImages);
    expect(plan.resources).toEqual([
      { action: 'missing-external', kind: 'network', name: 'proxy' },
      { action: 'keep', kind: 'network', name: 'shop_default' },
      { action: 'missing-external', kind: 'volume', name: 'shared' },
      { action: 'create', kind: 'volume', name: 'shop_data' },
    ]);
    expect(plan.noop).toBe(false);
  });

  it('refuses a network whose driver changed, saying what to do', () => {
    const p = stack();
    const observed = deployed(p);
    p.networks.default = testNetwork('shop_default', { driver: 'macvlan' });
    expect(() => planStack(p, observed, allImages)).toThrow(/driver bridge, but the stack asks for macvlan.*take the stack down/);
  });
});

describe('serviceConfigHash', () => {
  it('ignores the order of ports, capabilities and depends_on', () => {
    const p = stack();
    const a = testService('x', {
      ports: [
        { target: 80, published: 80, hostIp: '', protocol: 'tcp' },
        { target: 53, published: 53, hostIp: '', protocol: 'udp' },
      ],
      capAdd: ['NET_ADMIN', 'SYS_TIME'],
      dependsOn: { db: { condition: 'service_started', restart: true, required: true } },
    });
    const b = testService('x', { ports: [...a.ports].reverse(), capAdd: ['SYS_TIME', 'NET_ADMIN'] });
    expect(serviceConfigHash(p, a)).toEqual(serviceConfigHash(p, b));
    expect(serviceConfigHash(p, a).hash).not.toBe(serviceConfigHash(p, testService('x', { ...a, command: ['true'] })).hash);
  });
});
