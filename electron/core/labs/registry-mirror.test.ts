import { describe, expect, it } from 'vitest';
import { mergeDaemonJson } from './registry-mirror';

const REG = '10.78.0.1:5000';

describe('mergeDaemonJson (the lab registry in a node\'s daemon.json)', () => {
  it('writes a new file with the mirror and the insecure entry when there is none', () => {
    const { content, changed } = mergeDaemonJson(null, REG);
    expect(changed).toBe(true);
    expect(JSON.parse(content)).toEqual({ 'registry-mirrors': ['http://10.78.0.1:5000'], 'insecure-registries': ['10.78.0.1:5000'] });
    expect(mergeDaemonJson('  \n', REG).changed).toBe(true);
  });

  it('keeps every other setting and other mirrors, adding only what is missing', () => {
    const existing = JSON.stringify({ 'log-driver': 'journald', 'registry-mirrors': ['https://mirror.example.org'], 'insecure-registries': [REG], 'log-opts': { tag: 'x' } });
    const { content, changed } = mergeDaemonJson(existing, REG);
    expect(changed).toBe(true);
    expect(JSON.parse(content)).toEqual({
      'log-driver': 'journald',
      'log-opts': { tag: 'x' },
      'registry-mirrors': ['https://mirror.example.org', 'http://10.78.0.1:5000'],
      'insecure-registries': [REG],
    });
  });

  it('changes nothing (same bytes) when the registry is already there, with or without a trailing slash', () => {
    const existing = `{"registry-mirrors": ["http://${REG}/"], "insecure-registries": ["${REG}"], "debug": true}`;
    expect(mergeDaemonJson(existing, REG)).toEqual({ content: existing, changed: false });
    const once = mergeDaemonJson(null, REG).content;
    expect(mergeDaemonJson(once, REG)).toEqual({ content: once, changed: false });
  });

  it('refuses a file Docker would refuse, saying what to do', () => {
    expect(() => mergeDaemonJson('{ "debug": true,', REG)).toThrow(/not valid JSON.*Fix or remove the file/);
    expect(() => mergeDaemonJson('[1]', REG)).toThrow(/JSON object/);
    expect(() => mergeDaemonJson('{"registry-mirrors": "http://x"}', REG)).toThrow(/"registry-mirrors" in daemon.json is not a list/);
  });
});
