/**
 * HTML → Markdown-ish text, enough for chunking along headings: <h1>…<h6> become `#` headings,
 * block elements become line breaks, <li> a "- " item, <pre> a fenced block kept verbatim, table
 * cells are separated by " | ". Scripts, styles and comments are dropped and entities decoded.
 * A small tokenizer rather than a DOM: it is forgiving of unclosed tags, as browsers are. Pure.
 */

const DROP = new Set(['title', 'script', 'style', 'noscript', 'template', 'svg', 'head', 'iframe', 'object', 'canvas']);
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'header', 'footer', 'main', 'nav', 'aside', 'table', 'thead', 'tbody', 'tfoot', 'tr',
  'ul', 'ol', 'dl', 'dt', 'dd', 'blockquote', 'figure', 'figcaption', 'form', 'fieldset', 'details', 'summary', 'hr', 'address', 'body', 'html',
]);
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…', copy: '©', reg: '®', laquo: '«', raquo: '»', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', bull: '•', middot: '·', times: '×' };

/** Decodes character references (&amp; &#39; &#x2F; and common named ones). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return NAMED[e.toLowerCase()] ?? m;
  });
}

const TOKEN = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<\?[^>]*>|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>|[^<]+|</g;

/** The document's <title>, if any. */
export function htmlTitle(html: string): string | null {
  const m = /<title\b[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  const t = m ? decodeEntities(m[1]).replace(/\s+/g, ' ').trim() : '';
  return t || null;
}

/** Converts HTML to Markdown-ish text (see the module comment). */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let dropDepth = 0;
  let dropTag = '';
  let pre = 0;
  let heading: { level: number; buf: string[] } | null = null;
  const emit = (s: string) => (heading ? heading.buf.push(s) : out.push(s));
  for (const m of html.matchAll(TOKEN)) {
    const [tok, close, rawName] = m;
    if (tok.startsWith('<!') || tok.startsWith('<?')) continue;
    if (rawName === undefined) {
      if (dropDepth > 0) continue;
      if (tok === '<') {
        emit('<');
        continue;
      }
      const text = decodeEntities(tok);
      emit(pre > 0 ? text : text.replace(/\s+/g, ' '));
      continue;
    }
    const name = rawName.toLowerCase();
    if (dropDepth > 0) {
      if (name === dropTag) dropDepth += close ? -1 : tok.endsWith('/>') ? 0 : 1;
      continue;
    }
    if (DROP.has(name)) {
      if (!close && !tok.endsWith('/>')) {
        dropDepth = 1;
        dropTag = name;
      }
      continue;
    }
    const h = /^h([1-6])$/.exec(name);
    if (h) {
      if (!close) heading = { level: Number(h[1]), buf: [] };
      else if (heading) {
        const text = heading.buf.join('').replace(/\s+/g, ' ').trim();
        const level = heading.level;
        heading = null;
        if (text) out.push(`\n\n${'#'.repeat(level)} ${text}\n\n`);
      }
      continue;
    }
    if (name === 'br') emit('\n');
    else if (name === 'pre') {
      pre += close ? -1 : 1;
      if (pre < 0) pre = 0;
      out.push(close ? '\n```\n\n' : '\n\n```\n');
    } else if (name === 'li') {
      if (!close) emit('\n- ');
    } else if (name === 'td' || name === 'th') {
      if (close) emit(' | ');
    } else if (BLOCK.has(name)) emit('\n\n');
  }
  if (heading) out.push(`\n\n${'#'.repeat(heading.level)} ${heading.buf.join('').replace(/\s+/g, ' ').trim()}\n\n`);
  // Tidy: trim each line outside fences, at most one blank line in a row.
  const lines = out.join('').split('\n');
  const tidy: string[] = [];
  let inFence = false;
  for (const raw of lines) {
    if (raw.trim() === '```') inFence = !inFence;
    const l = inFence ? raw.replace(/\s+$/, '') : raw.trim();
    if (l === '' && (tidy.length === 0 || tidy[tidy.length - 1] === '')) continue;
    tidy.push(l);
  }
  while (tidy.length > 0 && tidy[tidy.length - 1] === '') tidy.pop();
  return tidy.join('\n');
}
