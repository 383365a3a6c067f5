import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpolateTree } from './interpolate';
import { Issues } from './issues';
import { validateComposeFile } from './validate';
import { projectLookup } from './variables';
import { parseComposeYaml } from './yaml-source';

function validate(text: string, envFile = '') {
  const issues = new Issues();
  const root = parseComposeYaml('compose.yaml', text, issues);
  if (root) validateComposeFile(interpolateTree(root, projectLookup(envFile, {}, issues), issues), issues);
  return issues.list.map((i) => ({ severity: i.severity, path: i.path, line: i.line, column: i.column, message: i.message }));
}

const svc = (body: string) => `services:\n  web:\n    image: nginx\n${body}`;

describe('validateComposeFile', () => {
  it('accepts every supported key (the end-to-end fixtures)', () => {
    const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
    for (const name of ['full.compose.yaml', 'full.override.yaml']) expect(validate(fixture(name), fixture('full.env'))).toEqual([]);
  });

  it('names unsupported keys with what to do instead, at the key', () => {
    expect(validate(svc('    build: .\n    network_mode: host\n    stop_signal: SIGINT\n'))).toEqual([
      { severity: 'error', path: 'services.web.build', line: 4, column: 5, message: 'services.web.build is not supported by Rackpilot (yet): build the image elsewhere, push it to a registry and use image:.' },
      { severity: 'error', path: 'services.web.network_mode', line: 5, column: 5, message: 'services.web.network_mode is not supported by Rackpilot (yet): attach the service to networks: instead.' },
      { severity: 'error', path: 'services.web.stop_signal', line: 6, column: 5, message: 'services.web.stop_signal is not supported by Rackpilot (yet): remove it to deploy this stack with Rackpilot.' },
    ]);
  });

  it('tells typos from missing features', () => {
    expect(validate(svc('    enviroment: {A: b}\n    whatever: 1\n')).map((i) => i.message)).toEqual([
      'services.web.enviroment is not a compose key here: did you mean environment?',
      'services.web.whatever is not a compose key: remove it (extension keys start with x-).',
    ]);
    expect(validate('servics:\n  web:\n    image: a\n')[0]!.message).toBe('servics is not a compose key here: did you mean services?');
  });

  it('allows x-* extensions at the top, in services and in nested settings', () => {
    expect(validate('x-top: 1\nservices:\n  x-not-a-service: [not, a, mapping]\n  web:\n    image: a\n    x-mine: {anything: [1]}\n    healthcheck:\n      x-note: hi\n')).toEqual([]);
  });

  it('reports wrong types at the value with what was expected', () => {
    expect(validate(svc('    ports: "8080:80"\n    environment: 3\n    privileged: maybe\n    cap_add: NET_ADMIN\n'))).toEqual([
      { severity: 'error', path: 'services.web.ports', line: 4, column: 12, message: 'services.web.ports must be a list, not a string ("8080:80").' },
      { severity: 'error', path: 'services.web.environment', line: 5, column: 18, message: 'services.web.environment must be a mapping or a list of KEY=value strings, not a number (3).' },
      { severity: 'error', path: 'services.web.privileged', line: 6, column: 17, message: 'services.web.privileged: "maybe" is not true or false.' },
      { severity: 'error', path: 'services.web.cap_add', line: 7, column: 14, message: 'services.web.cap_add must be a list, not a string ("NET_ADMIN").' },
    ]);
  });

  it('checks formats inside lists and long syntax', () => {
    const issues = validate(
      svc(
        [
          '    ports:',
          '      - abc',
          '      - 70000',
          '      - published: 8080',
          '      - {target: 80, name: web}',
          '    volumes:',
          '      - {source: data, target: /d}',
          '      - {type: bind, target: /x}',
          '    healthcheck:',
          '      test: [curl, -f, http://localhost]',
          '    depends_on:',
          '      db: {condition: service_ready}',
          '    restart: on-failure:x',
          '    deploy:',
          '      resources:',
          '        limits: {memory: lots, cpus: "-1"}',
          '        reservations: {memory: 1g}',
          '',
        ].join('\n'),
      ),
    );
    expect(issues.map((i) => [i.path, i.line, i.column, i.message])).toEqual([
      ['services.web.ports[0]', 5, 9, 'services.web.ports[0]: "abc" is not a container port (a number 1–65535, or a range like 8000-8010).'],
      ['services.web.ports[1]', 6, 9, 'services.web.ports[1]: 70000 is out of range (1–65535).'],
      ['services.web.ports[2]', 7, 9, 'services.web.ports[2] needs target: add it.'],
      ['services.web.ports[3].name', 8, 22, 'services.web.ports[3].name is not supported by Rackpilot (yet): remove it to deploy this stack with Rackpilot.'],
      ['services.web.volumes[0]', 10, 9, 'services.web.volumes[0] needs type: add it.'],
      ['services.web.volumes[1]', 11, 9, 'services.web.volumes[1]: a bind mount needs source: (the host path).'],
      ['services.web.healthcheck.test', 13, 13, 'services.web.healthcheck.test as a list must start with CMD, CMD-SHELL or NONE (e.g. [CMD, wget, -q, --spider, http://localhost]).'],
      ['services.web.depends_on.db.condition', 15, 23, 'services.web.depends_on.db.condition: "service_ready" is not one of service_started, service_healthy, service_completed_successfully.'],
      ['services.web.restart', 16, 14, 'services.web.restart: "on-failure:x" is not a restart policy: use no, always, unless-stopped, on-failure or on-failure:N.'],
      ['services.web.deploy.resources.limits.memory', 19, 26, 'services.web.deploy.resources.limits.memory: "lots" is not a size: write it like 512m, 1g or 1048576 (bytes).'],
      ['services.web.deploy.resources.limits.cpus', 19, 38, 'services.web.deploy.resources.limits.cpus: "-1" is not a CPU count: write a positive number like 0.5 or 2.'],
      ['services.web.deploy.resources.reservations', 20, 9, 'services.web.deploy.resources.reservations is not supported by Rackpilot (yet): only limits are applied; remove reservations.'],
    ]);
  });

  it('rejects settings beside external: true, the obsolete external mapping, and bad names', () => {
    const issues = validate('services:\n  "we b":\n    image: a\nnetworks:\n  lan:\n    external: true\n    driver: macvlan\nvolumes:\n  old:\n    external: {name: x}\n');
    expect(issues.map((i) => [i.path, i.line, i.column, i.message])).toEqual([
      ['services["we b"]', 2, 3, 'services["we b"]: "we b" is not a valid service name: use letters, digits, ".", "_" and "-", starting with a letter or digit.'],
      ['networks.lan.driver', 7, 5, 'networks.lan.driver conflicts with external: true (an external network is created outside this stack): remove driver or external.'],
      ['volumes.old.external', 10, 15, 'volumes.old.external as a mapping is the obsolete spelling: write external: true and put the name in name: beside it.'],
    ]);
  });

  it('warns that version is obsolete, and rejects a file that is not a mapping', () => {
    expect(validate('version: "3.8"\nservices:\n  web:\n    image: a\n')).toEqual([
      { severity: 'warning', path: 'version', line: 1, column: 10, message: 'The top-level version is obsolete and ignored (as docker compose does): remove it to avoid confusion.' },
    ]);
    expect(validate('- a\n- b\n')).toEqual([{ severity: 'error', path: '', line: 1, column: 1, message: 'compose.yaml must be a mapping with services: at the top, not a list.' }]);
  });

  it('rejects unsupported IPAM settings and accepts subnets', () => {
    const issues = validate('networks:\n  lan:\n    ipam:\n      driver: custom\n      config:\n        - subnet: 10.9.0.0/24\n          gateway: 10.9.0.1\n');
    expect(issues.map((i) => [i.path, i.line, i.column])).toEqual([
      ['networks.lan.ipam.driver', 4, 7],
      ['networks.lan.ipam.config[0].gateway', 7, 11],
    ]);
  });
});
