/**
 * xterm.js styles its screen with <style> elements it creates and fills itself: colours, font,
 * cursor, selection, row sizes. Rackpilot's Content-Security-Policy (`style-src 'self'`, no
 * inline styles) blocks every one of them, so the screen would render without its theme and
 * without a cursor. While the terminal opens, its style elements are therefore swapped for inert
 * stand-ins whose text goes into constructed stylesheets (CSSOM, which the policy allows),
 * adopted by the document. xterm creates them only while it opens, and only sets `textContent`.
 */
import type { Terminal } from '@xterm/xterm';

/** Opens the terminal in `parent`; the returned function removes its stylesheets (after dispose). */
export function openWithAdoptedStyles(term: Terminal, parent: HTMLElement): () => void {
  const doc = parent.ownerDocument;
  const sheets: CSSStyleSheet[] = [];
  const createElement = doc.createElement.bind(doc) as (tag: string, options?: ElementCreationOptions) => HTMLElement;
  const standIn = (): HTMLElement => {
    const sheet = new CSSStyleSheet();
    sheets.push(sheet);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
    // A <template> is never rendered and its text is inert: nothing here for the CSP to refuse.
    const element = createElement('template');
    element.dataset.xtermStyle = '';
    let text = '';
    Object.defineProperty(element, 'textContent', {
      configurable: true,
      get: () => text,
      set: (value: string | null) => {
        text = value ?? '';
        sheet.replaceSync(text);
      },
    });
    return element;
  };
  // An own property shadows Document.prototype.createElement for this call only.
  const own = Object.getOwnPropertyDescriptor(doc, 'createElement');
  Object.defineProperty(doc, 'createElement', {
    configurable: true,
    writable: true,
    value: (tag: string, options?: ElementCreationOptions) => (tag.toLowerCase() === 'style' ? standIn() : createElement(tag, options)),
  });
  try {
    term.open(parent);
  } finally {
    if (own) Object.defineProperty(doc, 'createElement', own);
    else delete (doc as { createElement?: unknown }).createElement;
  }
  return () => {
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => !sheets.includes(s));
  };
}
