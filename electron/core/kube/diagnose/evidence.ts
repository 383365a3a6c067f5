/**
 * Finding and quoting lines. Every quote goes through the kubeadm redactor: a diagnosis is shown
 * to the user and kept in job history, and a failed join's output can echo its token.
 */
import { redactKubeadmOutput } from '../output/redact';
import type { DiagnoseInput, Evidence, EvidenceSource, SeenLine } from './types';

const MAX_QUOTE = 400;
/** journald's "Nov 23 19:46:33 host unit[pid]: " prefix: noise in a quote. */
const JOURNAL_PREFIX = /^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \S+ [\w.@-]+(\[\d+\])?: /;

export function gatherEvidence(input: DiagnoseInput): Evidence {
  const lines = (text: string | undefined) => (text ? text.split(/\r?\n/) : []);
  return { input, failed: input.exitCode !== 0, output: lines(input.output), journal: lines(input.kubeletJournal) };
}

/** Every line matching, output first, then the journal. */
export function seenAll(evidence: Evidence, pattern: RegExp, sources: EvidenceSource[] = ['output', 'journal']): SeenLine[] {
  const found: SeenLine[] = [];
  for (const source of sources) {
    for (const line of evidence[source]) {
      const match = pattern.exec(line);
      if (match) found.push({ source, line, match });
    }
  }
  return found;
}

/** The first line matching any of the patterns, trying them in order of preference. */
export function seen(evidence: Evidence, patterns: RegExp | RegExp[], sources?: EvidenceSource[]): SeenLine | undefined {
  for (const pattern of Array.isArray(patterns) ? patterns : [patterns]) {
    const [first] = seenAll(evidence, pattern, sources);
    if (first) return first;
  }
  return undefined;
}

const STEP_LABEL: Record<DiagnoseInput['step'], string> = {
  init: 'kubeadm init',
  join: 'kubeadm join',
  cni: 'The CNI step',
  ready: 'The node status',
  reset: 'kubeadm reset',
};

/**
 * `kubeadm join printed: "…"` — the line cleaned and masked; a long line (kubelet's often are) is
 * cut to a window around what matched, so the quote shows the part that explains the diagnosis.
 */
export function quote(evidence: Evidence, seenLine: SeenLine): string {
  const who = seenLine.source === 'journal' ? 'The kubelet journal says' : `${STEP_LABEL[evidence.input.step]} printed`;
  let line = redactKubeadmOutput(seenLine.line.replace(JOURNAL_PREFIX, '').trim());
  if (line.length > MAX_QUOTE) {
    // Keep the head of the line (kubeadm's "[ERROR Check]:" prefix) unless the match lies beyond it.
    const at = Math.max(0, line.indexOf(seenLine.match[0]));
    const start = at + seenLine.match[0].length <= MAX_QUOTE ? 0 : Math.max(0, Math.min(at - 60, line.length - MAX_QUOTE));
    const end = start + MAX_QUOTE;
    line = `${start > 0 ? '…' : ''}${line.slice(start, end)}${end < line.length ? '…' : ''}`;
  }
  return `${who}: "${line}"`;
}

/** Numbered steps, one per line. */
export function steps(...lines: string[]): string {
  return lines.map((line, i) => `${i + 1}. ${line}`).join('\n');
}
