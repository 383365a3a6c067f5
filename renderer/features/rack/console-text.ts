/**
 * The serial console as text a person can read. Firmware (SeaBIOS, iPXE, OVMF) and the kernel
 * write ANSI escapes for colour, cursor moves and screen clears, and carriage returns for
 * progress counters; a <pre> would show those as garbage, so they are removed here.
 */

// CSI (ESC [ … final), OSC (ESC ] … BEL or ST), charset selection (ESC ( B) and two-byte escapes
// (ESC c is the full reset SeaBIOS sends first).
// eslint-disable-next-line no-control-regex -- escapes are what this matches
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[()*+][0-9A-Za-z]|\x1b[@-Z\\-_=>78c]/g;
// eslint-disable-next-line no-control-regex -- control characters other than tab and newline
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

/** Removes escape sequences and control characters; a carriage return rewrites its line. */
export function stripAnsi(raw: string): string {
  const text = raw.replace(ANSI, '').replace(/\r+\n/g, '\n');
  return text
    .split('\n')
    .map((line) => {
      // "50%\r100%" shows as 100% on a terminal; a trailing \r alone changes nothing.
      const parts = line.split('\r').filter((p, i, all) => p !== '' || i === all.length - 1);
      return (parts.length > 1 && parts[parts.length - 1] === '' ? parts[parts.length - 2] : parts[parts.length - 1]) ?? '';
    })
    .join('\n')
    .replace(CONTROL, '')
    .replace(/[ \t]+$/gm, '')
    // Screen clears leave runs of empty lines behind; one is enough to show a break.
    .replace(/\n{3,}/g, '\n\n');
}

/**
 * The last `maxLines` lines of the console, cleaned. When older output was cut off (`truncated`)
 * the first line is probably a fragment (even half an escape), so it is dropped.
 */
export function consoleTail(raw: string, truncated: boolean, maxLines = 200): { text: string; cut: boolean } {
  let start = 0;
  if (truncated) {
    const nl = raw.indexOf('\n');
    start = nl === -1 ? raw.length : nl + 1;
  }
  const lines = stripAnsi(raw.slice(start)).split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const cut = truncated || lines.length > maxLines;
  return { text: lines.slice(-maxLines).join('\n'), cut };
}
