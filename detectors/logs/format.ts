/**
 * Compiles a log format in the `<Field>` notation of the log-parsing literature (He et al.,
 * "Loghub", 2020), e.g. `<Date> <Time> <Level> <Component>: <Content>`, into a line parser.
 * Text between fields is a regular-expression fragment (`\[<Pid>\]`, `(\[<PID>\])?`, `\|`)
 * and a space matches any run of whitespace.
 *
 * A field followed only by spaces cannot itself contain whitespace (`\S*`); any other field
 * is a lazy `.*?` that stops at the literal text after it. That keeps the regular expression
 * free of catastrophic backtracking on lines that do not match (with every field `.*?`, a
 * junk line with many spaces costs C(spaces, fields) attempts), while fields such as a
 * Proxifier program name (`chrome.exe *64`, followed by ` - `) may still hold spaces.
 */

/** A compiled format: field names in order and a parser for one line. */
export interface LogFormat {
  /** The format string it was compiled from. */
  source: string;
  fields: string[];
  /** The field read as the level (Level, Severity…), if the format has one. */
  levelField: string | undefined;
  /** The regular expression the format compiles to (for diagnostics). */
  regex: RegExp;
  /** Field values by name, or null when the line does not match. */
  parse(line: string): Record<string, string> | null;
  /** Just the value of `field` (default Content), or undefined when the line does not match. */
  field(line: string, field?: string): string | undefined;
  /** Content and level in one match (the hot path), or null when the line does not match. */
  extract(line: string): { content: string; level: string | undefined } | null;
}

/** Field names read as the level, in order of preference. */
const LEVEL_FIELDS = ['Level', 'LEVEL', 'level', 'Severity', 'severity', 'Type'];

const FIELD = /<([A-Za-z_][A-Za-z0-9_]*)>/g;

/** Longest header (text before <Content>) the fast path looks at. */
const HEADER_MAX = 1024;

/** Compiles a `<Field>` format; throws a clear error on an empty format or a bad fragment. */
export function compileLogFormat(format: string): LogFormat {
  if (format.trim() === '') throw new Error('log format is empty');
  const parts: { literal: string }[] = [];
  const fields: string[] = [];
  let last = 0;
  for (const m of format.matchAll(FIELD)) {
    parts.push({ literal: format.slice(last, m.index) });
    fields.push(m[1]);
    last = m.index + m[0].length;
  }
  parts.push({ literal: format.slice(last) });
  if (fields.length === 0) throw new Error(`log format "${format}" names no field; write fields as <Name>, e.g. "<Date> <Time> <Level>: <Content>"`);

  const sep = (lit: string) => lit.replace(/ +/g, '\\s+');
  // Fields are plain capture groups (a named group makes every exec build a `groups` object);
  // their numbers are found by counting the capturing groups that open before each one,
  // since the fragments between fields may hold groups of their own (`(\[<PID>\])?`).
  let src = '^' + sep(parts[0].literal);
  const index: number[] = [];
  fields.forEach((_, i) => {
    const after = parts[i + 1].literal;
    const isLast = i === fields.length - 1;
    // Only the last field runs to the end of the line; trailing text after it is still honoured.
    const body = isLast ? (after === '' ? '.*' : '.*?') : /^ +$/.test(after) ? '\\S*' : '.*?';
    index.push(countGroups(src) + 1);
    src += `(${body})${sep(after)}`;
  });
  src += '$';
  let regex: RegExp;
  try {
    regex = new RegExp(src, 's');
  } catch (e) {
    throw new Error(`log format "${format}" is not a valid pattern: ${(e as Error).message}`, { cause: e });
  }
  // When the format ends with <Content>, only the header needs the regex: match the fields
  // before it on at most HEADER_MAX characters and take the rest of the line as content. On a
  // non-matching junk line the lazy fields then explore a bounded prefix, not 32 KiB.
  const lastField = fields.length - 1;
  const head = fields[lastField] === 'Content' && parts[lastField + 1].literal === '' ? new RegExp(src.slice(0, src.lastIndexOf('(')), 's') : undefined;
  const groupOf = new Map<string, number[]>();
  fields.forEach((f, i) => groupOf.set(f, [...(groupOf.get(f) ?? []), index[i]]));

  if (!groupOf.has('Content')) throw new Error(`log format "${format}" has no <Content> field: only <Content> is clustered`);
  const levelField = LEVEL_FIELDS.find((f) => groupOf.has(f));
  const contentGroups = groupOf.get('Content')!;
  const levelGroups = levelField === undefined ? [] : groupOf.get(levelField)!;

  const pick = (m: RegExpExecArray, groups: number[]): string => {
    for (const k of groups) {
      const v = m[k];
      if (v !== undefined && v !== '') return v;
    }
    return '';
  };

  return {
    source: format,
    fields: [...new Set(fields)],
    levelField,
    regex,
    parse(line) {
      if (head && line.length > HEADER_MAX) {
        const h = head.exec(line.slice(0, HEADER_MAX));
        if (!h) return null;
        const out: Record<string, string> = {};
        for (const [f, g] of groupOf) out[f] = f === 'Content' ? line.slice(h[0].length) : pick(h, g);
        return out;
      }
      const m = regex.exec(line);
      if (!m) return null;
      const out: Record<string, string> = {};
      for (const [f, g] of groupOf) out[f] = pick(m, g);
      return out;
    },
    field(line, name = 'Content') {
      const r = this.parse(line);
      return r === null ? undefined : (r[name] ?? '');
    },
    extract(line) {
      if (head) {
        const m = head.exec(line.length > HEADER_MAX ? line.slice(0, HEADER_MAX) : line);
        if (!m) return null;
        return { content: line.slice(m[0].length), level: levelGroups.length === 0 ? undefined : pick(m, levelGroups) || undefined };
      }
      const m = regex.exec(line);
      if (!m) return null;
      return { content: pick(m, contentGroups), level: levelGroups.length === 0 ? undefined : pick(m, levelGroups) || undefined };
    },
  };
}

/** Capturing groups that open in regular-expression source `src` (escapes and classes skipped). */
function countGroups(src: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') {
      if (src[i + 1] !== '?') n++;
      else if (src[i + 2] === '<' && src[i + 3] !== '=' && src[i + 3] !== '!') n++;
    }
  }
  return n;
}
