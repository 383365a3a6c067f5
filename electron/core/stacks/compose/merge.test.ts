import { describe, expect, it } from 'vitest';
import { Issues } from './issues';
import { mergeComposeFiles } from './merge';
import { toPlain, valueOf, type MapNode } from './source-node';
import { parseComposeYaml } from './yaml-source';

function merge(...texts: string[]) {
  const issues = new Issues();
  const roots = texts.map((t, i) => parseComposeYaml(`f${i}.yaml`, t, issues) as MapNode);
  expect(issues.list).toEqual([]);
  return mergeComposeFiles(roots);
}

const web = (root: MapNode) => toPlain(valueOf(valueOf(root, 'services') as MapNode, 'web')!);

describe('mergeComposeFiles', () => {
  it('merges mappings, replaces scalars and command/entrypoint, adds new services', () => {
    const merged = merge(
      'services:\n  web:\n    image: a:1\n    restart: always\n    command: [a, b]\n    entrypoint: sh\n    healthcheck: {test: [CMD, a], interval: 5s}\n',
      'services:\n  web:\n    image: a:2\n    command: [c]\n    healthcheck: {test: [CMD, b]}\n  db:\n    image: pg\n',
    );
    expect(toPlain(merged)).toEqual({
      services: {
        web: { image: 'a:2', restart: 'always', command: ['c'], entrypoint: 'sh', healthcheck: { test: ['CMD', 'b'], interval: '5s' } },
        db: { image: 'pg' },
      },
    });
  });

  it('appends ports, cap_add, profiles and env_file without duplicates', () => {
    const merged = merge(
      'services:\n  web:\n    ports: ["80:80", "443:443"]\n    cap_add: [NET_ADMIN]\n    profiles: [a]\n    env_file: a.env\n',
      'services:\n  web:\n    ports: ["80:80", "8080:8080"]\n    cap_add: [NET_ADMIN, SYS_TIME]\n    profiles: [b]\n    env_file: [a.env, b.env]\n',
    );
    expect(web(merged)).toEqual({
      ports: ['80:80', '443:443', '8080:8080'],
      cap_add: ['NET_ADMIN', 'SYS_TIME'],
      profiles: ['a', 'b'],
      env_file: ['a.env', 'b.env'],
    });
  });

  it('merges environment and labels by name, whatever form each file uses', () => {
    const merged = merge('services:\n  web:\n    environment: [A=1, B=2, C]\n    labels: {x: "1"}\n', 'services:\n  web:\n    environment: {B: 3, D: 4}\n    labels: [y=2, x=3]\n');
    expect(web(merged)).toEqual({ environment: { A: '1', B: 3, C: null, D: 4 }, labels: { x: '3', y: '2' } });
  });

  it('merges volumes and devices by container path, in place', () => {
    const merged = merge(
      'services:\n  web:\n    volumes: ["./a:/srv", "data:/data", "/cache"]\n    devices: ["/dev/a:/dev/x"]\n',
      'services:\n  web:\n    volumes: [{type: bind, source: ./b, target: /srv}, "logs:/logs"]\n    devices: ["/dev/b:/dev/x", "/dev/c"]\n',
    );
    expect(web(merged)).toEqual({
      volumes: [{ type: 'bind', source: './b', target: '/srv' }, 'data:/data', '/cache', 'logs:/logs'],
      devices: ['/dev/b:/dev/x', '/dev/c'],
    });
  });

  it('merges networks and depends_on by name, lists and mappings alike', () => {
    const merged = merge(
      'services:\n  web:\n    networks: [front, back]\n    depends_on: [db]\n',
      'services:\n  web:\n    networks:\n      front:\n        aliases: [www]\n    depends_on:\n      db: {condition: service_healthy}\n      cache: {condition: service_started}\n',
    );
    expect(web(merged)).toEqual({
      networks: { front: { aliases: ['www'] }, back: null },
      depends_on: { db: { condition: 'service_healthy' }, cache: { condition: 'service_started' } },
    });
  });

  it('turns extra_hosts mappings into host:ip lists and appends them', () => {
    const merged = merge('services:\n  web:\n    extra_hosts: {nas: 127.0.0.3, multi: [127.0.0.4, 127.0.0.5]}\n', 'services:\n  web:\n    extra_hosts: ["nas:127.0.0.3", "printer=127.0.0.6"]\n');
    expect(web(merged)).toEqual({ extra_hosts: ['nas:127.0.0.3', 'multi:127.0.0.4', 'multi:127.0.0.5', 'printer=127.0.0.6'] });
  });

  it('replaces logging when the driver changes, merges options otherwise', () => {
    const base = 'services:\n  web:\n    logging: {driver: json-file, options: {max-size: 10m}}\n';
    expect(web(merge(base, 'services:\n  web:\n    logging: {driver: local}\n'))).toEqual({ logging: { driver: 'local' } });
    expect(web(merge(base, 'services:\n  web:\n    logging: {options: {max-file: "3"}}\n'))).toEqual({ logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } } });
  });

  it('merges top-level networks and volumes definitions key by key', () => {
    const merged = merge('networks:\n  front: {driver: bridge}\nvolumes:\n  data:\n', 'networks:\n  front: {internal: true}\nvolumes:\n  data: {driver: local}\n  logs:\n');
    expect(toPlain(merged)).toEqual({ networks: { front: { driver: 'bridge', internal: true } }, volumes: { data: { driver: 'local' }, logs: null } });
  });

  it('keeps each value\'s place in the file that set it', () => {
    const merged = merge('services:\n  web:\n    image: a\n    ports: ["80:80"]\n', 'services:\n  web:\n    ports: ["81:81"]\n');
    const ports = valueOf(valueOf(valueOf(merged, 'services') as MapNode, 'web') as MapNode, 'ports');
    expect(ports?.kind === 'seq' && ports.items.map((p) => [p.at.file, p.at.path, p.at.line])).toEqual([
      ['f0.yaml', 'services.web.ports[0]', 4],
      ['f1.yaml', 'services.web.ports[0]', 3],
    ]);
  });
});
