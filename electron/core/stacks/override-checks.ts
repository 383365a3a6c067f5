/**
 * What docker compose on the node would refuse in an override file although Rackpilot's loader
 * merges it fine. The node's folder is meant to stay usable with `docker compose`, so:
 * - an empty file (nothing but comments) is an error — v1 and v2 both reject it;
 * - a file without services, networks or volumes is a warning — docker-compose 1.x reads such a
 *   file as the old version 1 format and refuses to merge it ("Version mismatch").
 */
import { parse } from 'yaml';
import type { ComposeIssue, StackFiles } from '../../../shared/domain/stack';

const SECTIONS = ['services', 'networks', 'volumes'] as const;

function topLevel(content: string): unknown {
  try {
    return parse(content) as unknown;
  } catch {
    return undefined; // The loader reports the YAML error with its place.
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function overrideIssues(overrides: StackFiles['overrides']): ComposeIssue[] {
  const issues: ComposeIssue[] = [];
  for (const { name, content } of overrides) {
    const root = topLevel(content);
    const at = { file: name, path: '', line: 1, column: 1 };
    if (root === null) {
      issues.push({ ...at, severity: 'error', message: `${name} is empty: docker compose refuses an empty file. Add what it changes (e.g. services: with a service's new settings), or remove the file.` });
    } else if (isMap(root) && !SECTIONS.some((s) => isMap(root[s]) && Object.keys(root[s]).length > 0)) {
      issues.push({
        ...at,
        severity: 'warning',
        message: `${name} has no services, networks or volumes: docker-compose 1.x on the node reads it as a version 1 file and refuses to merge it. Add the settings it overrides under services:, or remove the file.`,
      });
    }
  }
  return issues;
}
