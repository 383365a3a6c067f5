/** Lab Markdown rendered from marked's tokens to React elements: the elements a step needs, and nothing from the text as HTML. */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown, safeHref } from './markdown';

const html = (source: string) => renderToStaticMarkup(<Markdown source={source} />);

describe('lab markdown', () => {
  it('renders headings below the page headings, paragraphs, strong, em and inline code', () => {
    const out = html('## Serve a page\n\nRun **python3** with *care*: `python3 -m http.server 8000`.');
    expect(out).toContain('<h4 class="md-h2">Serve a page</h4>');
    expect(out).toContain('<p>Run <strong>python3</strong> with <em>care</em>: <code>python3 -m http.server 8000</code>.</p>');
  });

  it('renders code blocks verbatim, with their language, escaped by React', () => {
    const out = html('```sh\necho "<b>hi</b>" && ls\n```');
    expect(out).toContain('<pre class="md-code" data-lang="sh"><code>echo &quot;&lt;b&gt;hi&lt;/b&gt;&quot; &amp;&amp; ls</code></pre>');
  });

  it('renders ordered lists from their start, bullet lists and task lists', () => {
    expect(html('3. three\n4. four')).toContain('<ol start="3"><li>three</li><li>four</li></ol>');
    expect(html('1. one\n2. two')).toContain('<ol><li>one</li><li>two</li></ol>');
    expect(html('- a `x`\n- b')).toContain('<ul><li>a <code>x</code></li><li>b</li></ul>');
    const task = /<li>(<input[^>]*\/>)done<\/li>/.exec(html('- [x] done'))?.[1] ?? '';
    expect(task).toContain('type="checkbox"');
    expect(task).toContain('checked=""');
    expect(task).toContain('disabled=""');
  });

  it('shows raw HTML as text and never as elements', () => {
    const out = html('Hello <img src=x onerror="alert(1)"> there\n\n<script>alert(2)</script>\n');
    expect(out).not.toMatch(/<img|<script/);
    expect(out).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(out).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
  });

  it('links only http(s), opening outside the app; anything else stays plain text', () => {
    expect(html('[docs](https://example.org/a?b=1)')).toContain('<a href="https://example.org/a?b=1" target="_blank" rel="noopener noreferrer">docs</a>');
    const js = html('[click](javascript:alert(1)) [file](file:///etc/passwd) [here](#/nodes)');
    expect(js).not.toContain('<a');
    expect(js).toContain('click');
    expect(js).toContain('file');
  });

  it('never fetches images: their description stands in', () => {
    const out = html('![the rack](http://example.org/rack.png)');
    expect(out).not.toContain('<img');
    expect(out).toContain('[the rack]');
  });

  it('renders tables, quotes and rules', () => {
    const out = html('| a | b |\n|---|:-:|\n| 1 | **2** |\n\n> note\n\n---');
    expect(out).toContain('<th scope="col">a</th><th scope="col" style="text-align:center">b</th>');
    expect(out).toContain('<td>1</td><td style="text-align:center"><strong>2</strong></td>');
    expect(out).toContain('<blockquote><p>note</p></blockquote>');
    expect(out).toContain('<hr/>');
  });

  it('decides which hrefs may be links', () => {
    expect(safeHref('http://10.78.0.5:8000/')).toBe('http://10.78.0.5:8000/');
    expect(safeHref(' https://example.org ')).toBe('https://example.org/');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('JaVaScRiPt:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,hi')).toBeNull();
    expect(safeHref('/relative')).toBeNull();
  });
});
