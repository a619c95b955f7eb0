/**
 * Chunking along headings. A Markdown document is cut into sections at its ATX (`## x`) and
 * setext headings (never inside code fences); each chunk keeps the heading path above it and
 * the 1-based line range it came from, so a hit can be cited as "doc › Diagnosis, lines 12-30".
 * Small neighbouring sections are packed together; a section longer than `maxChars` is split
 * into windows that overlap by about `overlapChars`, preferring to cut at blank lines. Plain
 * text is one section without headings. Pure.
 */
import { createHash } from 'node:crypto';

export interface ChunkOptions {
  /** Largest chunk, in characters (a single longer line is cut hard). */
  maxChars: number;
  /** Overlap between consecutive windows of one long section. */
  overlapChars: number;
  /** Sections shorter than this are packed with the next one (when the result still fits). */
  minChars: number;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { maxChars: 1200, overlapChars: 200, minChars: 350 };

export interface Chunk {
  ord: number;
  text: string;
  /** Headings above the chunk, outermost first (the document's H1 included). */
  headingPath: string[];
  lineStart: number;
  lineEnd: number;
  /** sha256 of the chunk text with whitespace collapsed. */
  contentHash: string;
}

export interface ParsedDocument {
  /** The front-matter `title:` or the first H1, if any. */
  title: string | null;
  chunks: Chunk[];
}

interface Line {
  no: number;
  text: string;
}

interface Section {
  path: string[];
  lines: Line[];
  /** Whether the section has content beyond its heading line. */
  hasBody: boolean;
}

const ATX = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const ATX_EMPTY = /^ {0,3}(#{1,6})[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;

/** Normalised content hash used for de-duplication. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('hex');
}

/** Strips inline Markdown from a heading: `**x**`, `` `x` ``, `[x](y)`. */
const cleanHeading = (h: string): string =>
  h
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`]/g, '')
    .trim();

/** Splits Markdown into sections; the front matter is dropped (its title is returned). */
function sections(text: string, markdown: boolean): { title: string | null; sections: Section[] } {
  const raw = text.replace(/\r\n?/g, '\n').split('\n');
  const lines: Line[] = raw.map((t, i) => ({ no: i + 1, text: t }));
  let start = 0;
  let title: string | null = null;
  if (markdown && raw[0]?.trim() === '---') {
    const end = raw.findIndex((l, i) => i > 0 && i < 200 && (l.trim() === '---' || l.trim() === '...'));
    if (end > 0) {
      for (const l of raw.slice(1, end)) {
        const m = /^title:\s*(.+?)\s*$/.exec(l);
        if (m) title = m[1].replace(/^(['"])(.*)\1$/, '$2');
      }
      start = end + 1;
    }
  }
  const out: Section[] = [];
  const stack: { level: number; text: string }[] = [];
  let cur: Section = { path: [], lines: [], hasBody: false };
  const open = (level: number, heading: string, headingLines: Line[]) => {
    if (cur.lines.length > 0) out.push(cur);
    while (stack.length > 0 && stack[stack.length - 1].level >= level) stack.pop();
    stack.push({ level, text: heading });
    if (level === 1 && title === null && heading) title = heading;
    cur = { path: stack.map((s) => s.text).filter((s) => s.length > 0), lines: headingLines, hasBody: false };
  };
  let fence: string | null = null;
  let headingNo = -1;
  for (let i = start; i < lines.length; i++) {
    const l = lines[i];
    if (markdown) {
      const f = FENCE.exec(l.text);
      if (fence !== null) {
        if (f && f[1][0] === fence[0] && f[1].length >= fence.length) fence = null;
      } else if (f) {
        fence = f[1];
      } else {
        const atx = ATX.exec(l.text) ?? ATX_EMPTY.exec(l.text);
        if (atx) {
          open(atx[1].length, cleanHeading(atx[2] ?? ''), [l]);
          headingNo = l.no;
          continue;
        }
        // Setext: a paragraph line underlined with === (H1) or --- (H2); a --- after a blank line or a heading is a rule.
        const prev = cur.lines[cur.lines.length - 1];
        if (SETEXT.test(l.text) && prev && prev.no === l.no - 1 && prev.text.trim() !== '' && prev.no !== headingNo) {
          cur.lines.pop();
          open(l.text.trim()[0] === '=' ? 1 : 2, cleanHeading(prev.text), [prev, l]);
          headingNo = l.no;
          continue;
        }
      }
    }
    cur.lines.push(l);
    if (l.text.trim() !== '') cur.hasBody = true;
  }
  if (cur.lines.length > 0) out.push(cur);
  // A section holding only blank lines (e.g. before the first heading) carries nothing.
  return { title, sections: out.filter((s) => s.lines.some((l) => l.text.trim() !== '')) };
}

const joinLines = (ls: Line[]): string => ls.map((l) => l.text).join('\n');

/** Cuts lines into windows of at most maxChars that overlap by about overlapChars. */
function windows(ls: Line[], o: ChunkOptions): Line[][] {
  // A line longer than the limit is cut into pieces that keep its line number.
  const pieces: Line[] = [];
  for (const l of ls) {
    if (l.text.length <= o.maxChars) pieces.push(l);
    else for (let i = 0; i < l.text.length; i += o.maxChars - o.overlapChars) pieces.push({ no: l.no, text: l.text.slice(i, i + o.maxChars) });
  }
  const out: Line[][] = [];
  let i = 0;
  while (i < pieces.length) {
    let j = i;
    let size = 0;
    while (j < pieces.length && (j === i || size + pieces[j].text.length + 1 <= o.maxChars)) {
      size += pieces[j].text.length + 1;
      j++;
    }
    // Prefer to end at a blank line in the last 40 % of the window.
    if (j < pieces.length) {
      for (let k = j - 1; k > i; k--) {
        if (pieces[k].text.trim() === '' && size - (pieces.slice(k, j).reduce((a, p) => a + p.text.length + 1, 0)) >= o.maxChars * 0.6) {
          j = k + 1;
          break;
        }
      }
    }
    out.push(pieces.slice(i, j));
    if (j >= pieces.length) break;
    // Step back over about overlapChars of whole lines, always moving forward.
    let back = j;
    let ov = 0;
    while (back - 1 > i && ov + pieces[back - 1].text.length + 1 <= o.overlapChars) {
      back--;
      ov += pieces[back].text.length + 1;
    }
    i = back;
  }
  return out;
}

/** Trims blank lines at both ends (they would widen the cited line range). */
function trimBlank(ls: Line[]): Line[] {
  let a = 0;
  let b = ls.length;
  while (a < b && ls[a].text.trim() === '') a++;
  while (b > a && ls[b - 1].text.trim() === '') b--;
  return ls.slice(a, b);
}

/** Chunks a document. `format` "markdown" honours headings; "text" does not. */
export function chunkDocument(text: string, format: 'markdown' | 'text', opts: Partial<ChunkOptions> = {}): ParsedDocument {
  const o = { ...DEFAULT_CHUNK_OPTIONS, ...opts };
  if (o.overlapChars >= o.maxChars) throw new RangeError('overlapChars must be smaller than maxChars');
  const { title, sections: secs } = sections(text, format === 'markdown');
  const groups: { path: string[]; lines: Line[] }[] = [];
  let pending: { path: string[]; lines: Line[]; size: number; hasBody: boolean } | null = null;
  const flush = () => {
    if (pending) groups.push({ path: pending.path, lines: pending.lines });
    pending = null;
  };
  for (const s of secs) {
    const size = joinLines(s.lines).length;
    if (pending !== null) {
      const p: { path: string[]; lines: Line[]; size: number; hasBody: boolean } = pending;
      if ((p.size < o.minChars || !p.hasBody) && p.size + size + 1 <= o.maxChars) {
        p.lines = [...p.lines, ...s.lines];
        p.size += size + 1;
        if (!p.hasBody && s.hasBody) p.path = s.path; // a bare heading takes the path of what follows
        p.hasBody ||= s.hasBody;
        continue;
      }
      flush();
    }
    if (size > o.maxChars) {
      for (const w of windows(s.lines, o)) groups.push({ path: s.path, lines: w });
    } else {
      pending = { path: s.path, lines: s.lines, size, hasBody: s.hasBody };
    }
  }
  flush();
  const chunks: Chunk[] = [];
  for (const g of groups) {
    const ls = trimBlank(g.lines);
    if (ls.length === 0) continue;
    const body = joinLines(ls);
    chunks.push({ ord: chunks.length, text: body, headingPath: g.path, lineStart: ls[0].no, lineEnd: ls[ls.length - 1].no, contentHash: contentHash(body) });
  }
  return { title, chunks };
}
