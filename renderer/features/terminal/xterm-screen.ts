/**
 * An xterm.js screen in a pane: Rackpilot's colours and font, bounded scrollback, the clipboard
 * keys, styles that pass the CSP, and rows and columns that follow the pane's size.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { openWithAdoptedStyles } from './adopted-styles';
import { clipboardKeys } from './clipboard-keys';

/** Lines kept above the screen: what the renderer holds, however long the session runs. */
const SCROLLBACK_LINES = 5000;

const THEME = { background: '#1c232d', foreground: '#e3e8ef', cursor: '#e3e8ef', selectionBackground: '#3d5a80' };

export interface XtermScreen {
  term: Terminal;
  dispose(): void;
}

export function createXtermScreen(pane: HTMLElement): XtermScreen {
  const term = new Terminal({
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
    fontSize: 13,
    cursorBlink: true,
    scrollback: SCROLLBACK_LINES,
    theme: THEME,
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  const removeStyles = openWithAdoptedStyles(term, pane);
  term.attachCustomKeyEventHandler(clipboardKeys(term));
  // A pane that is hidden (another tab shown) or not laid out yet would size the shell to nothing.
  const fitToPane = () => {
    if (pane.clientWidth > 0 && pane.clientHeight > 0) fit.fit();
  };
  fitToPane();
  const observer = new ResizeObserver(fitToPane);
  observer.observe(pane);
  return {
    term,
    dispose: () => {
      observer.disconnect();
      term.dispose();
      removeStyles();
    },
  };
}
