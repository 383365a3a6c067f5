/**
 * The editor's markers: `stacks.validate` on the files as typed, debounced so a burst of typing
 * makes one call; an answer counts only for the text it was asked about.
 */
import { useEffect, useState } from 'react';
import type { ComposeIssue, StackFiles } from '../../../shared/domain/stack';
import { errorMessage, rpc } from '../../rpc/api';

export interface Validation {
  issues: ComposeIssue[];
  services: string[];
  /** True from the first keystroke until the answer for the newest text arrives. */
  checking: boolean;
  /** The call itself failed (not the file): the markers may be stale. */
  error: string | null;
}

const DEBOUNCE_MS = 400;

interface Answer {
  /** The files (as JSON) this answer is about. */
  key: string;
  issues: ComposeIssue[];
  services: string[];
  error: string | null;
}

export function useValidation(name: string, files: StackFiles, initialIssues: ComposeIssue[]): Validation {
  // `key` stands for `files` by value: a new object with the same text is not a change.
  const key = JSON.stringify([name, files]);
  const [answer, setAnswer] = useState<Answer>({ key, issues: initialIssues, services: [], error: null });

  useEffect(() => {
    let live = true;
    const [forName, forFiles] = JSON.parse(key) as [string, StackFiles];
    const timer = setTimeout(() => {
      rpc()
        .call('stacks.validate', { name: forName, files: forFiles })
        .then(
          (r) => live && setAnswer({ key, issues: r.issues, services: r.services, error: null }),
          (err: unknown) => live && setAnswer((a) => ({ ...a, key, error: errorMessage(err) })),
        );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);

  return { issues: answer.issues, services: answer.services, checking: answer.key !== key, error: answer.error };
}
