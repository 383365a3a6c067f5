/**
 * Copy and paste in the terminal the way Linux terminals do it: Ctrl+Shift+C copies the
 * selection and Ctrl+Shift+V pastes, so Ctrl+C and Ctrl+V stay keystrokes for the shell
 * (interrupt, literal next). The browser's own paste (menu, Ctrl+Shift+V) reaches xterm as a
 * paste event, which xterm sends as a (bracketed) paste.
 */
import type { Terminal } from '@xterm/xterm';

/** For `attachCustomKeyEventHandler`: false means xterm does not treat the key as input. */
export function clipboardKeys(term: Terminal): (event: KeyboardEvent) => boolean {
  return (event) => {
    if (!event.ctrlKey || !event.shiftKey || event.altKey || event.metaKey) return true;
    if (event.code === 'KeyC') {
      if (event.type === 'keydown') {
        // Browsers bind Ctrl+Shift+C to their inspector; here it means copy.
        event.preventDefault();
        copySelection(term);
      }
      return false;
    }
    // Left to the browser, which fires the paste event xterm listens for.
    if (event.code === 'KeyV') return false;
    return true;
  };
}

function copySelection(term: Terminal): void {
  const text = term.getSelection();
  if (!text) return;
  // execCommand needs no permission (Electron's session grants none), but the browser enables
  // "copy" only over a DOM selection — unless a beforecopy handler says the page will handle it.
  const enable = (e: Event) => e.preventDefault();
  const fill = (e: ClipboardEvent) => {
    e.clipboardData?.setData('text/plain', text);
    e.preventDefault();
    e.stopImmediatePropagation();
  };
  document.addEventListener('beforecopy', enable, true);
  document.addEventListener('copy', fill, true);
  const copied = (() => {
    try {
      return document.execCommand('copy');
    } finally {
      document.removeEventListener('beforecopy', enable, true);
      document.removeEventListener('copy', fill, true);
    }
  })();
  if (!copied) void navigator.clipboard?.writeText(text).catch(() => undefined);
}
