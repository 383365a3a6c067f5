/**
 * Multi-document YAML for Go consumers (kubeadm, kubectl). Their YAML readers still treat
 * YAML 1.1 words such as yes/no/on/off as booleans, so strings are written with 1.1 quoting:
 * a node or cluster named "on" stays a string on the other side.
 */
import { stringify } from 'yaml';

/** Plain data that becomes one YAML document. */
export type YamlDocument = Record<string, unknown>;

export function renderYamlDocuments(documents: readonly YamlDocument[], headerComment?: string): string {
  const header = headerComment ? headerComment.split('\n').map((line) => `# ${line}`.trimEnd()).join('\n') + '\n' : '';
  const body = documents.map((doc) => stringify(doc, { version: '1.1', lineWidth: 0 })).join('---\n');
  return header + body;
}
