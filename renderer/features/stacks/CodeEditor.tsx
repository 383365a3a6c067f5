/**
 * A CodeMirror 6 editor for the stack's files: line numbers, undo history, YAML highlighting for
 * compose.yaml, and validation markers in the gutter and under the text. The editor owns its
 * document while the user types; a new `value` from outside (another stack, a reload after save)
 * replaces it only when it differs, so typing never fights a re-render. Tab indents; Escape then
 * Tab (or Ctrl+M) moves focus on, as CodeMirror documents for keyboard users.
 *
 * The editor lives in a shadow root: CodeMirror styles a document through a <style> element,
 * which Rackpilot's Content-Security-Policy (`style-src 'self'`) refuses, but a shadow root it
 * styles with constructed stylesheets (CSSOM), which the policy allows. Its look is therefore
 * an EditorView theme, not app CSS (the page's custom properties still reach it).
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorState, type Extension } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { TextMarker } from './compose-markers';

interface CodeEditorProps {
  value: string;
  onChange(value: string): void;
  /** Accessible name of the text box, e.g. "compose.yaml". */
  label: string;
  language: 'yaml' | 'text';
  markers: readonly TextMarker[];
  size: 'large' | 'small';
}

const FRAME = {
  '&': { border: '1px solid var(--border-strong)', borderRadius: 'var(--radius)', background: 'var(--surface)', color: 'var(--text)' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '1px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', fontSize: '0.85rem', overflow: 'auto' },
  '.cm-gutters': { background: '#f2f4f7', borderRight: '1px solid var(--border)', color: 'var(--muted)' },
};
const THEMES = {
  large: EditorView.theme({ ...FRAME, '&': { ...FRAME['&'], minHeight: '20rem', maxHeight: '32rem' } }),
  small: EditorView.theme({ ...FRAME, '&': { ...FRAME['&'], minHeight: '6rem', maxHeight: '14rem' } }),
};

function extensions(language: CodeEditorProps['language'], size: CodeEditorProps['size'], label: string, onChange: (v: string) => void): Extension[] {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightActiveLine(),
    drawSelection(),
    history(),
    indentOnInput(),
    bracketMatching(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    lintGutter(),
    keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
    EditorState.tabSize.of(2),
    EditorView.contentAttributes.of({ 'aria-label': label, spellcheck: 'false' }),
    THEMES[size],
    EditorView.updateListener.of((u) => {
      if (u.docChanged) onChange(u.state.doc.toString());
    }),
    ...(language === 'yaml' ? [yaml()] : []),
  ];
}

export function CodeEditor({ value, onChange, label, language, markers, size }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  useLayoutEffect(() => {
    changed.current = onChange;
  });

  useEffect(() => {
    const el = host.current;
    if (!el) return undefined;
    // A host keeps its shadow root for life (effects may run twice in development).
    const root = el.shadowRoot ?? el.attachShadow({ mode: 'open' });
    const v = new EditorView({
      parent: root,
      root,
      state: EditorState.create({ doc: value, extensions: extensions(language, size, label, (text) => changed.current(text)) }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- seeded once; later values arrive through the effect below
  }, [language, size, label]);

  useEffect(() => {
    const v = view.current;
    if (!v || v.state.doc.toString() === value) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const length = v.state.doc.length;
    // Markers come from a validation of an earlier text; clamp them to the text as it is now.
    const diagnostics = markers.map((m) => ({ from: Math.min(m.from, length), to: Math.min(m.to, length), severity: m.severity, message: m.message }));
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [markers]);

  return <div ref={host} className="code-editor" data-testid={`editor-${label}`} />;
}
