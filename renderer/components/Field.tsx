/**
 * One labelled form control with its error and hint. The control is rendered by the caller, which
 * spreads the props it is given so the label, the error and the hint stay wired to it
 * (aria-describedby names the error first: a screen reader then reads what is wrong first).
 */
import type { ReactNode } from 'react';

/** What a field hands its control. */
export interface FieldControlProps {
  id: string;
  name: string | undefined;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

interface FieldProps {
  /** The control's id; the error and hint ids are derived from it. */
  id: string;
  /** The control's name, for forms that find a field's control by it. */
  name?: string;
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  /** Extra classes beside `field`. */
  className?: string;
  /** data-testid of the error message, for tests that look for one field's error. */
  errorTestId?: string;
  /** Shows the hint above the error instead of below it. */
  hintFirst?: boolean;
  children: (control: FieldControlProps) => ReactNode;
}

export function Field({ id, name, label, error, hint, className, errorTestId, hintFirst = false, children }: FieldProps) {
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  const hintText = hint && (
    <p className="field-hint" id={`${id}-hint`}>
      {hint}
    </p>
  );
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, name, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hintFirst && hintText}
      {error && (
        <p className="field-error" id={`${id}-error`} data-testid={errorTestId}>
          {error}
        </p>
      )}
      {!hintFirst && hintText}
    </div>
  );
}
