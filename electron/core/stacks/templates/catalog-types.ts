/** A template as the catalog holds it: the descriptor the UI shows, plus the compose text it fills. */
import type { StackTemplate } from '../../../../shared/domain/stack';

export interface TemplateSource extends StackTemplate {
  /** compose.yaml with `${VAR}` references to the template's variables (never their values). */
  compose: string;
}
