/**
 * The loader against a real docker compose: the same files, `.env` and env_file go through
 * `docker-compose config` (1.29, which CI installs) and through loadComposeProject, and the
 * merged, interpolated results must agree on every field both understand.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { checkComposeSpec } from '../../testing/compose-schema';
import { requireDocker } from '../../testing/docker';
import { tempDir } from '../../testing/temp-app';
import { loadComposeProject } from './load-project';
import type { PortMapping } from './model';
import { parseVolumeString } from './mounts';
import { parsePortString } from './ports';
import { splitShellWords } from './shell-words';

const skip = requireDocker();

const BASE = `services:
  web:
    image: busybox:\${TAG:-1.36}
    command: ["httpd", "-f", "-h", "/www"]
    environment:
      - A=1
      - B=\${B_VAL}
      - C
      - PRICE=$$5
    env_file: web.env
    ports: ["8080:80", "127.0.0.1::81", "5353:53/udp"]
    volumes:
      - ./site:/www:ro
      - data:/data
    labels: {lab.role: web}
    networks: [front]
    depends_on: [db]
    restart: unless-stopped
    cap_add: [NET_ADMIN]
    extra_hosts: ["nas:127.0.0.3"]
    user: "1000"
    working_dir: /www
    hostname: web
  db:
    image: busybox:\${TAG:-1.36}
    networks: [front, back]
    environment:
      DB: \${DB_NAME:-app}
networks:
  front: {}
  back: {}
volumes:
  data: {}
`;

const OVERRIDE = `services:
  web:
    command: httpd -f -p 9000 -h '/srv/my www'
    environment:
      A: "2"
    ports: ["8080:80", "9443:443"]
    volumes:
      - ./site-dev:/www
    labels: [lab.tier=dev]
    cap_add: [SYS_TIME]
`;

const dir = tempDir('rpt-compose-parity-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), text);
}

type Port = PortMapping;
const sortPorts = (ports: Port[]) => [...ports].sort((a, b) => a.target - b.target);

/** docker-compose 1.29 prints ports as `{ published, target }` mappings or as strings. */
function portsOf(items: unknown[]): Port[] {
  return sortPorts(
    items.flatMap((p) => {
      if (typeof p === 'string') {
        const parsed = parsePortString(p);
        return parsed.ok ? parsed.value : [];
      }
      const m = p as { target: number; published?: number; host_ip?: string; protocol?: 'tcp' | 'udp' };
      return [{ target: m.target, published: m.published ?? null, hostIp: m.host_ip ?? '', protocol: m.protocol ?? 'tcp' }];
    }),
  );
}

describe.skipIf(skip)('compose loader parity with docker-compose', () => {
  it('agrees with `docker-compose config` on merge and interpolation', () => {
    write('compose.yaml', BASE);
    write('compose.override.yaml', OVERRIDE);
    write('web.env', 'WEBENV=1\nA=from-file\n');
    write('.env', 'B_VAL=bee\nC=see\nTAG=1.35\n');
    for (const text of [BASE, OVERRIDE]) expect(checkComposeSpec(text)).toEqual({ ok: true, errors: [] });

    const run = spawnSync('docker-compose', ['-p', `rpt-parity-${process.pid}`, '-f', 'compose.yaml', '-f', 'compose.override.yaml', 'config'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    const theirs = parse(run.stdout) as { services: Record<string, Record<string, unknown>>; networks: Record<string, unknown>; volumes: Record<string, unknown> };

    const { project, issues } = loadComposeProject({
      projectName: `rpt-parity-${process.pid}`,
      workingDir: dir,
      files: [
        { name: 'compose.yaml', content: BASE },
        { name: 'compose.override.yaml', content: OVERRIDE },
      ],
      envFile: readFileSync(join(dir, '.env'), 'utf8'),
      variables: {},
      profiles: [],
      readFile: (path) => readFileSync(path, 'utf8'),
    });
    expect(issues).toEqual([]);
    const ours = project!.services;
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs.services).sort());

    for (const [name, svc] of Object.entries(theirs.services)) {
      const mine = ours[name]!;
      expect(mine.image).toBe(svc.image);
      // `config` prints a compose file again, so a literal $ comes back escaped as $$.
      const theirEnv = Object.entries((svc.environment as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v).replaceAll('$$', '$')]);
      expect(mine.environment).toEqual(Object.fromEntries(theirEnv));
      const command = svc.command as string | string[] | undefined;
      const theirCommand = command === undefined ? null : typeof command === 'string' ? (splitShellWords(command) as { value: string[] }).value : command;
      expect(mine.command).toEqual(theirCommand);
      expect(sortPorts(mine.ports)).toEqual(portsOf((svc.ports as unknown[]) ?? []));
      const theirMounts = ((svc.volumes as string[]) ?? []).map((v) => {
        const parsed = parseVolumeString(v);
        return parsed.ok ? { ...parsed.value, ...(parsed.value.type === 'bind' ? { createHostPath: true } : {}) } : v;
      });
      const byTarget = (a: { target: string }, b: { target: string }) => a.target.localeCompare(b.target);
      expect([...mine.mounts].sort(byTarget)).toEqual([...(theirMounts as { target: string }[])].sort(byTarget));
      expect(mine.labels).toEqual(svc.labels ?? {});
      expect(Object.keys(mine.networks).sort()).toEqual(Object.keys((svc.networks as object) ?? { default: {} }).sort());
      expect(Object.keys(mine.dependsOn)).toEqual(Object.keys((svc.depends_on as object) ?? {}));
      expect(mine.capAdd.sort()).toEqual(((svc.cap_add as string[]) ?? []).sort());
      const hosts = (svc.extra_hosts ?? []) as string[] | Record<string, string>;
      expect(mine.extraHosts).toEqual(Array.isArray(hosts) ? hosts : Object.entries(hosts).map(([h, ip]) => `${h}:${ip}`));
      expect([mine.user, mine.workingDir, mine.hostname]).toEqual([svc.user ?? null, svc.working_dir ?? null, svc.hostname ?? null]);
      expect(mine.restart.name).toBe(svc.restart ?? 'no');
    }
    expect(Object.keys(project!.networks).sort()).toEqual(Object.keys(theirs.networks).sort());
    expect(Object.keys(project!.volumes)).toEqual(Object.keys(theirs.volumes));
  });
});
