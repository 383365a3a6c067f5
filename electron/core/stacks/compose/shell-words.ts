/**
 * Splits a `command:` or `entrypoint:` string into words the way docker compose does (POSIX
 * shell quoting, no expansion): `sh -c 'echo "hi there"'` → [sh, -c, echo "hi there"].
 */
import type { Parsed } from './values';

export function splitShellWords(text: string): Parsed<string[]> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1]!)) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return { ok: false, error: `the ${quote} quote in ${JSON.stringify(text.slice(0, 60))} is never closed: close it` };
  if (inWord) words.push(word);
  return { ok: true, value: words };
}
