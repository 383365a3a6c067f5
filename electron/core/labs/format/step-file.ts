/**
 * Splits a step file into its YAML front matter, the body the learner reads and the solution
 * (everything after a `## Solution` heading), remembering on which line each part starts so
 * problems inside them can be located in the .md file.
 */

export interface TextPart {
  text: string;
  /** 1-based line of the file on which `text` starts. */
  line: number;
}

export interface StepFileParts {
  /** The YAML between the two --- lines. */
  frontMatter: TextPart;
  /** Markdown before `## Solution` (or to the end). */
  body: TextPart;
  /** Markdown after `## Solution`, or null when the step has none. */
  solution: TextPart | null;
  /** Line of the `## Solution` heading, when there is one. */
  solutionHeadingLine: number | null;
}

export type SplitStepResult = { ok: true; parts: StepFileParts } | { ok: false; line: number; column: number; message: string };

const FENCE = /^ {0,3}(```|~~~)/;
const SOLUTION_HEADING = /^## Solution\s*$/;

/** Normalizes line ends (CRLF, a BOM) so line numbers match what editors show. */
export function normalizeText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

export function splitStepFile(raw: string): SplitStepResult {
  const lines = normalizeText(raw).split('\n');
  if (lines[0]?.trimEnd() !== '---') {
    return {
      ok: false,
      line: 1,
      column: 1,
      message: 'this step has no front matter: start the file with a line ---, then "title:" and "checks:", then a line --- before the text for the learner',
    };
  }
  const close = lines.findIndex((l, i) => i > 0 && l.trimEnd() === '---');
  if (close < 0) {
    return { ok: false, line: 1, column: 1, message: 'the front matter opened on line 1 is never closed: add a line --- after its last field (the checks)' };
  }
  const frontMatter: TextPart = { text: lines.slice(1, close).join('\n'), line: 2 };
  const bodyStart = close + 1; // 0-based index of the first body line
  // A "## Solution" inside a fenced code block is an example, not the heading.
  let inFence = false;
  let heading = -1;
  for (let i = bodyStart; i < lines.length; i++) {
    const l = lines[i]!;
    if (FENCE.test(l)) inFence = !inFence;
    else if (!inFence && SOLUTION_HEADING.test(l)) {
      heading = i;
      break;
    }
  }
  const bodyEnd = heading < 0 ? lines.length : heading;
  return {
    ok: true,
    parts: {
      frontMatter,
      body: { text: lines.slice(bodyStart, bodyEnd).join('\n'), line: bodyStart + 1 },
      solution: heading < 0 ? null : { text: lines.slice(heading + 1).join('\n'), line: heading + 2 },
      solutionHeadingLine: heading < 0 ? null : heading + 1,
    },
  };
}

/** The 1-based line and column of character `index` of a part. */
export function placeInPart(part: TextPart, index: number): { line: number; column: number } {
  const before = part.text.slice(0, index);
  const newlines = before.split('\n').length - 1;
  return { line: part.line + newlines, column: index - (before.lastIndexOf('\n') + 1) + 1 };
}
