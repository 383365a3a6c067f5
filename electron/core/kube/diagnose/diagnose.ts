/**
 * diagnose(): which known failures a step's output and kubelet journal show, each with what was
 * seen and what to do (issue 7, item 8). Rules are ordered most specific first; a symptom rule
 * (kubelet unhealthy, CNI not ready) is dropped when a rule that explains it also matched.
 */
import { gatherEvidence } from './evidence';
import { CNI_RULES } from './rules-cni';
import { JOIN_RULES } from './rules-join';
import { NODE_RULES } from './rules-node';
import { PREFLIGHT_RULES } from './rules-preflight';
import type { DiagnoseInput, Diagnosis, Rule } from './types';

export const RULES: readonly Rule[] = [...NODE_RULES, ...PREFLIGHT_RULES, ...JOIN_RULES, ...CNI_RULES];

export interface RuledDiagnosis {
  rule: Rule;
  diagnosis: Diagnosis;
}

/** The matched rules with their diagnoses, for callers that need each rule's retry verdict. */
export function diagnoseWithRules(input: DiagnoseInput): RuledDiagnosis[] {
  const evidence = gatherEvidence(input);
  const matched: RuledDiagnosis[] = [];
  for (const rule of RULES) {
    const finding = rule.diagnose(evidence);
    if (finding) matched.push({ rule, diagnosis: { code: rule.code, title: rule.title, ...finding } });
  }
  const explained = matched.some((m) => !m.rule.symptom);
  return explained ? matched.filter((m) => !m.rule.symptom) : matched;
}

export function diagnose(input: DiagnoseInput): Diagnosis[] {
  return diagnoseWithRules(input).map((m) => m.diagnosis);
}
