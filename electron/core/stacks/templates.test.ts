import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import { checkComposeSpec } from '../testing/compose-schema';
import { parseEnvFile } from './compose/env-file';
import { Issues } from './compose/issues';
import { loadComposeProject } from './compose/load-project';
import { envLine } from './env-file';
import { fillTemplate, findTemplate, listTemplates, TEMPLATES } from './templates';

/** What the UI would send: every required value the template has no default for. */
function answers(id: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const v of findTemplate(id).variables) if (v.required && v.default === '') values[v.name] = `s3cret-${v.name.toLowerCase()}`;
  return values;
}

/** The compose text with the filled values substituted, as docker compose would see it. */
function interpolated(compose: string, values: Record<string, string>): string {
  return compose.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for ${name}`);
    return values[name]!;
  });
}

describe('template catalog', () => {
  it('has the five templates the issue asks for, with unique ids', () => {
    const ids = listTemplates().map((t) => t.id);
    expect(ids).toEqual(['nginx-proxy', 'prometheus-grafana', 'gitea', 'static-site', 'uptime-kuma']);
    expect(listTemplates()[0]).not.toHaveProperty('compose');
  });

  for (const template of TEMPLATES) {
    describe(template.id, () => {
      it('declares exactly the variables its compose file uses; secrets have no default', () => {
        const used = new Set([...template.compose.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
        expect(new Set(template.variables.map((v) => v.name))).toEqual(used);
        for (const v of template.variables) {
          expect(v.label, v.name).not.toBe('');
          expect(v.help, v.name).not.toBe('');
          if (v.secret) expect(v.default, v.name).toBe('');
        }
      });

      it('loads cleanly with its defaults and passes the compose spec schema', () => {
        const stack = fillTemplate(template, answers(template.id));
        const { project, issues } = loadComposeProject({
          projectName: 'tpl',
          workingDir: '/srv/tpl',
          files: [{ name: 'compose.yaml', content: stack.files.compose }],
          envFile: stack.files.env,
          variables: stack.files.variables,
          profiles: [],
        });
        expect(issues).toEqual([]);
        expect(Object.keys(project!.services).length).toBeGreaterThan(0);
        const values = Object.fromEntries(template.variables.map((v) => [v.name, answers(template.id)[v.name] ?? v.default]));
        const spec = checkComposeSpec(interpolated(template.compose, values));
        expect(spec.errors).toEqual([]);
        expect(spec.ok).toBe(true);
      });

      it('keeps secret values out of compose.yaml and .env', () => {
        const stack = fillTemplate(template, answers(template.id));
        for (const v of template.variables.filter((x) => x.secret)) {
          const value = answers(template.id)[v.name]!;
          expect(stack.files.compose).not.toContain(value);
          expect(stack.files.env).not.toContain(value);
          expect(stack.files.variables[v.name]).toBe(value);
          expect(stack.secrets).toContain(v.name);
        }
      });
    });
  }
});

describe('fillTemplate', () => {
  it('refuses missing required values, naming each', () => {
    expect(() => fillTemplate(findTemplate('gitea'), {})).toThrow(expect.objectContaining({ code: ErrorCode.Validation, message: expect.stringContaining('Database password (DB_PASSWORD)') }));
    try {
      fillTemplate(findTemplate('prometheus-grafana'), { GRAFANA_ADMIN_USER: '  ' });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: ErrorCode.Validation, details: { issues: [{ path: ['values', 'GRAFANA_ADMIN_USER'] }, { path: ['values', 'GRAFANA_ADMIN_PASSWORD'] }] } });
    }
  });

  it('refuses values for variables the template does not have', () => {
    expect(() => fillTemplate(findTemplate('uptime-kuma'), { HTTP_PORT: '3001', NOPE: 'x' })).toThrow(/no variable NOPE/);
  });

  it('unknown template ids list the available ones', () => {
    expect(() => findTemplate('wordpress')).toThrow(expect.objectContaining({ code: ErrorCode.NotFound, message: expect.stringContaining('gitea') }));
  });

  it('writes values to the .env so they read back unchanged', () => {
    const stack = fillTemplate(findTemplate('gitea'), { DB_PASSWORD: 'x', ROOT_URL: 'http://git.home.lan:3000/' });
    expect(stack.files.env).toContain('ROOT_URL=http://git.home.lan:3000/');
    expect(stack.files.env).toContain('# Public URL: ');
  });
});

describe('envLine', () => {
  it.each([
    'plain',
    'with space',
    'has # hash',
    "it's",
    'say "hi"',
    'cost $5 ${HOME}',
    'back\\slash',
    'multi\nline',
    '',
  ])('round-trips %j through the .env reader', (value) => {
    const issues = new Issues();
    const [entry] = parseEnvFile('.env', envLine('K', value) + '\n', issues);
    expect(issues.list).toEqual([]);
    // Double-quoted `\$` reads as `$$`, which interpolation turns into one literal `$`.
    expect(entry!.interpolate ? entry!.value!.replace(/\$\$/g, '$') : entry!.value).toBe(value);
  });
});
