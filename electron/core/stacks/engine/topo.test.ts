import { describe, expect, it } from 'vitest';
import type { DependsOnCondition } from '../compose/model';
import { testProject, testService } from './testing-project';
import { startOrder } from './topo';

const dep = (condition: DependsOnCondition = 'service_started', required = true) => ({ condition, restart: false, required });

describe('startOrder', () => {
  it('starts dependencies first and breaks ties by name', () => {
    const p = testProject('t', [
      testService('web', { dependsOn: { api: dep(), cache: dep() } }),
      testService('api', { dependsOn: { db: dep('service_healthy') } }),
      testService('db'),
      testService('cache'),
      testService('admin', { dependsOn: { db: dep() } }),
    ]);
    expect(startOrder(p)).toEqual(['cache', 'db', 'admin', 'api', 'web']);
  });

  it('names the services of a cycle', () => {
    const p = testProject('t', [
      testService('a', { dependsOn: { b: dep() } }),
      testService('b', { dependsOn: { c: dep() } }),
      testService('c', { dependsOn: { a: dep() } }),
      testService('d'),
    ]);
    expect(() => startOrder(p)).toThrow('depends_on forms a cycle: a → b → c → a.');
  });

  it('skips a dependency left out by a profile only when it is not required', () => {
    expect(startOrder(testProject('t', [testService('web', { dependsOn: { debug: dep('service_started', false) } })]))).toEqual(['web']);
    expect(() => startOrder(testProject('t', [testService('web', { dependsOn: { db: dep() } })]))).toThrow(
      /Service web depends on db, which is not in the stack/,
    );
  });
});
