/**
 * Keystrokes and pastes go to the core as `terminal.input` calls of bounded size (the contract
 * takes at most 64 Ki characters per call). A big paste is cut into pieces, never between the two
 * halves of a surrogate pair, so an emoji at a boundary arrives whole.
 */

/** Characters per `terminal.input` call; well under the contract's limit. */
export const INPUT_CHUNK_CHARS = 16 * 1024;

export function inputChunks(data: string, max = INPUT_CHUNK_CHARS): string[] {
  const chunks: string[] = [];
  let rest = data;
  while (rest.length > max) {
    const last = rest.charCodeAt(max - 1);
    const cut = last >= 0xd800 && last <= 0xdbff ? max - 1 : max;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) chunks.push(rest);
  return chunks;
}
