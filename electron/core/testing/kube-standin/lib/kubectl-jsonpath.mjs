/**
 * The part of kubectl's JSONPath (k8s.io/client-go/util/jsonpath) scripts use: {.a.b},
 * {.items[*].x}, [n], [?(@.f=="v")] filters, {range …}{end}, quoted literals, and several
 * results of one expression joined by spaces.
 */

function parsePath(expr) {
  const segs = [];
  let s = expr.trim().replace(/^\$/, '');
  while (s.length) {
    let m;
    if ((m = /^\.((?:\\\.|[A-Za-z0-9_\-/])+)/.exec(s))) {
      segs.push({ key: m[1].replace(/\\\./g, '.') });
      s = s.slice(m[0].length);
    } else if ((m = /^\[\*\]/.exec(s))) {
      segs.push({ all: true });
      s = s.slice(m[0].length);
    } else if ((m = /^\[(-?\d+)\]/.exec(s))) {
      segs.push({ index: Number(m[1]) });
      s = s.slice(m[0].length);
    } else if ((m = /^\[['"]([^'"]+)['"]\]/.exec(s))) {
      segs.push({ key: m[1] });
      s = s.slice(m[0].length);
    } else if ((m = /^\[\?\(@\.([\w.-]+)\s*(==|!=)\s*["']?([^"')]*)["']?\)\]/.exec(s))) {
      segs.push({ filter: { path: m[1].split('.'), op: m[2], value: m[3] } });
      s = s.slice(m[0].length);
    } else if (s === '.' || s === '@') {
      s = '';
    } else {
      throw new Error(`error parsing jsonpath ${expr}, unrecognized character in action: U+${s.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} '${s[0]}'`);
    }
  }
  return segs;
}

function evaluate(expr, ctx) {
  let values = [ctx];
  for (const seg of parsePath(expr.replace(/^@/, ''))) {
    const next = [];
    for (const v of values) {
      if (v == null) continue;
      if (seg.key !== undefined) {
        if (typeof v === 'object' && seg.key in v) next.push(v[seg.key]);
      } else if (seg.all) {
        if (Array.isArray(v)) next.push(...v);
        else if (typeof v === 'object') next.push(...Object.values(v));
      } else if (seg.index !== undefined) {
        if (Array.isArray(v)) {
          const item = v[seg.index < 0 ? v.length + seg.index : seg.index];
          if (item !== undefined) next.push(item);
        }
      } else if (seg.filter) {
        for (const item of Array.isArray(v) ? v : []) {
          const got = seg.filter.path.reduce((o, k) => (o == null ? undefined : o[k]), item);
          if ((String(got ?? '') === seg.filter.value) === (seg.filter.op === '==')) next.push(item);
        }
      }
    }
    values = next;
  }
  return values;
}

const show = (v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Renders a kubectl -o jsonpath template against `data`. */
export function jsonpath(template, data) {
  const parts = [];
  const re = /\{((?:[^{}"]|"(?:[^"\\]|\\.)*")*)\}/g;
  let last = 0;
  for (let m; (m = re.exec(template)); ) {
    if (m.index > last) parts.push({ text: template.slice(last, m.index) });
    parts.push({ expr: m[1].trim() });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last) });
  const render = (list, ctx) => {
    let outText = '';
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      if (p.text !== undefined) outText += p.text;
      else if (p.expr.startsWith('range ')) {
        let depth = 1;
        let j = i + 1;
        for (; j < list.length; j++) {
          if (list[j].expr?.startsWith('range ')) depth++;
          if (list[j].expr === 'end' && --depth === 0) break;
        }
        for (const item of evaluate(p.expr.slice(6), ctx)) outText += render(list.slice(i + 1, j), item);
        i = j;
      } else if (/^"(?:[^"\\]|\\.)*"$/.test(p.expr)) outText += JSON.parse(p.expr);
      else if (/^'[^']*'$/.test(p.expr)) outText += p.expr.slice(1, -1);
      else outText += evaluate(p.expr, ctx).map(show).join(' ');
    }
    return outText;
  };
  return render(parts, data);
}
