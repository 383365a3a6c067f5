import { describe, expect, it } from 'vitest';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { nodeEnvFile, staleOverrides } from './node-workspace';
import { MASK, redactError, redactor, secretValues } from './secrets';
import { stackState } from './stack-summary';
import type { StackContainer } from '../../../shared/domain/stack';

describe('secrets', () => {
  const stack = {
    files: { compose: '', overrides: [], env: 'PORT=80\nADMIN_TOKEN="tok en"\n', variables: { DB_PASSWORD: 'hunter22', CUSTOM: 'marked-one', HOST: 'db' }, profiles: [] },
    secrets: ['CUSTOM'],
  };

  it('treats marked variables and secret-looking names as secrets, from variables and .env', () => {
    expect(secretValues(stack).sort()).toEqual(['hunter22', 'marked-one', 'tok en']);
  });

  it('masks every occurrence, also inside interpolated strings', () => {
    const redact = redactor(secretValues(stack));
    expect(redact('postgres://app:hunter22@db/app and hunter22')).toBe(`postgres://app:${MASK}@db/app and ${MASK}`);
    expect(redact('host db, port 80')).toBe('host db, port 80');
    expect(redactor(['ab'])('ab cd')).toBe('ab cd'); // too short to be a secret: would mangle logs
  });

  it('masks error messages, keeping the code', () => {
    const redact = redactor(['hunter22']);
    const err = redactError(new RackpilotError(ErrorCode.Conflict, 'bad hunter22', { issues: ['hunter22'] }), redact);
    expect(err).toMatchObject({ code: ErrorCode.Conflict, message: `bad ${MASK}`, details: undefined });
    const plain = new RackpilotError(ErrorCode.Conflict, 'nothing secret');
    expect(redactError(plain, redact)).toBe(plain);
  });
});

describe('nodeEnvFile', () => {
  it('appends the stack variables after the .env so they win', () => {
    expect(nodeEnvFile({ compose: '', overrides: [], env: 'A=1', variables: { A: '2', B: 'x y' }, profiles: [] })).toBe("A=1\n# Set in Rackpilot (they override the lines above)\nA=2\nB='x y'\n");
    expect(nodeEnvFile({ compose: '', overrides: [], env: 'A=1\n', variables: {}, profiles: [] })).toBe('A=1\n');
  });

  it('names the override files and profiles for docker compose on the node', () => {
    const overrides = [
      { name: 'compose.prod.yaml', content: '' },
      { name: 'compose.override.yaml', content: '' },
    ];
    expect(nodeEnvFile({ compose: '', overrides, env: 'COMPOSE_FILE=mine.yaml\n', variables: {}, profiles: ['debug', 'tools'] })).toBe(
      'COMPOSE_FILE=mine.yaml\n# Set in Rackpilot (they override the lines above)\nCOMPOSE_FILE=compose.yaml:compose.prod.yaml:compose.override.yaml\nCOMPOSE_PROFILES=debug,tools\n',
    );
  });

  it('deletes only plain override names the stack no longer has', () => {
    expect(staleOverrides('compose.prod.yaml\ncompose.old.yml\n../../etc/passwd.yaml\ncompose.yaml\n\n', ['compose.prod.yaml'])).toEqual(['compose.old.yml']);
  });
});

describe('stackState', () => {
  const c = (service: string, state: string, status = ''): StackContainer => ({ id: service, name: service, service, number: 1, state, status, health: 'none', image: 'x', ports: [], createdAt: '' });

  it('tells running, partial, stopped and not deployed apart', () => {
    expect(stackState([], ['web'])).toBe('not-deployed');
    expect(stackState([c('web', 'running')], ['web'])).toBe('running');
    expect(stackState([c('web', 'running')], ['web', 'db'])).toBe('partial');
    expect(stackState([c('web', 'running'), c('db', 'exited', 'Exited (1) 2 minutes ago')], [])).toBe('partial');
    expect(stackState([c('web', 'running'), c('init', 'exited', 'Exited (0) 2 minutes ago')], [])).toBe('running');
    expect(stackState([c('web', 'exited', 'Exited (137) 1 second ago')], ['web'])).toBe('stopped');
  });
});
