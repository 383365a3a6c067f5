/**
 * Lab text (step bodies, solutions, "real hardware" notes) is Markdown written by contributors —
 * and, for a learner's own labs, by anyone. It is tokenised with marked's lexer and the tokens are
 * turned into React elements here, so no HTML from the text ever reaches the page: raw HTML shows
 * as text, images are not fetched, and only http(s) links become links (opening in the user's
 * browser, which the Electron shell enforces too).
 */
import { lexer, type Token, type Tokens } from 'marked';
import { Fragment, type ReactNode } from 'react';

/** The link target to use, or null when the text must stay plain text (javascript:, file:, relative…). */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function inline(tokens: readonly Token[] | undefined, fallback: string): ReactNode {
  if (!tokens) return fallback;
  return tokens.map((t, i) => <Fragment key={i}>{inlineToken(t)}</Fragment>);
}

function inlineToken(token: Token): ReactNode {
  switch (token.type) {
    case 'strong':
      return <strong>{inline((token as Tokens.Strong).tokens, token.raw)}</strong>;
    case 'em':
      return <em>{inline((token as Tokens.Em).tokens, token.raw)}</em>;
    case 'del':
      return <del>{inline((token as Tokens.Del).tokens, token.raw)}</del>;
    case 'codespan':
      return <code>{(token as Tokens.Codespan).text}</code>;
    case 'br':
      return <br />;
    case 'link': {
      const link = token as Tokens.Link;
      const href = safeHref(link.href);
      const text = inline(link.tokens, link.text);
      return href ? (
        <a href={href} target="_blank" rel="noopener noreferrer">
          {text}
        </a>
      ) : (
        text
      );
    }
    case 'image':
      // Never fetched: a lab may not make the app load remote content. Its description stands in.
      return <span className="md-image">[{(token as Tokens.Image).text || 'image'}]</span>;
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens, text.text) : text.text;
    }
    case 'escape':
    case 'html':
      return (token as Tokens.Escape).text;
    default:
      return token.raw;
  }
}

function block(token: Token, key: number): ReactNode {
  switch (token.type) {
    case 'space':
    case 'def':
      return null;
    case 'heading': {
      const h = token as Tokens.Heading;
      // Headings inside a step sit below the page's own h1–h3.
      const Tag = (['h4', 'h4', 'h5', 'h6', 'h6', 'h6'] as const)[Math.min(h.depth, 6) - 1] ?? 'h6';
      return (
        <Tag key={key} className={`md-h${h.depth}`}>
          {inline(h.tokens, h.text)}
        </Tag>
      );
    }
    case 'paragraph':
      return <p key={key}>{inline((token as Tokens.Paragraph).tokens, (token as Tokens.Paragraph).text)}</p>;
    case 'code': {
      const code = token as Tokens.Code;
      return (
        <pre key={key} className="md-code" data-lang={code.lang || undefined}>
          <code>{code.text}</code>
        </pre>
      );
    }
    case 'blockquote':
      return <blockquote key={key}>{blocks((token as Tokens.Blockquote).tokens)}</blockquote>;
    case 'list':
      return list(token as Tokens.List, key);
    case 'hr':
      return <hr key={key} />;
    case 'table':
      return table(token as Tokens.Table, key);
    case 'html':
      return (
        <p key={key} className="md-html">
          {(token as Tokens.HTML).text}
        </p>
      );
    case 'text': {
      const text = token as Tokens.Text;
      return <p key={key}>{inline(text.tokens, text.text)}</p>;
    }
    default:
      return <p key={key}>{token.raw}</p>;
  }
}

function list(token: Tokens.List, key: number): ReactNode {
  const items = token.items.map((item, i) => (
    <li key={i}>
      {item.task && <input type="checkbox" checked={item.checked ?? false} disabled aria-label={item.checked ? 'done' : 'to do'} />}
      {listItem(item)}
    </li>
  ));
  if (!token.ordered) return <ul key={key}>{items}</ul>;
  return (
    <ol key={key} start={typeof token.start === 'number' && token.start !== 1 ? token.start : undefined}>
      {items}
    </ol>
  );
}

/** A tight list item's text is inline (no <p>); a loose one holds blocks. */
function listItem(item: Tokens.ListItem): ReactNode {
  return item.tokens.map((t, i) => (t.type === 'text' && !item.loose ? <Fragment key={i}>{inlineToken(t)}</Fragment> : block(t, i)));
}

function table(token: Tokens.Table, key: number): ReactNode {
  return (
    <div key={key} className="table-scroll md-table">
      <table>
        <thead>
          <tr>
            {token.header.map((cell, i) => (
              <th key={i} scope="col" style={cell.align ? { textAlign: cell.align } : undefined}>
                {inline(cell.tokens, cell.text)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {token.rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, i) => (
                <td key={i} style={cell.align ? { textAlign: cell.align } : undefined}>
                  {inline(cell.tokens, cell.text)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function blocks(tokens: readonly Token[]): ReactNode {
  return tokens.map((t, i) => block(t, i));
}

/** Markdown source as React elements (no HTML injected). */
export function renderMarkdown(source: string): ReactNode {
  return blocks(lexer(source));
}

export function Markdown({ source, className, label }: { source: string; className?: string; label?: string }) {
  return (
    <div className={`markdown ${className ?? ''}`} aria-label={label} role={label ? 'region' : undefined}>
      {renderMarkdown(source)}
    </div>
  );
}
