/**
 * Variable masking for log clustering, as configuration: ordered rules (pattern → mask such as
 * `<:IP:>`) validated by zod. The secret rules of detectors/secrets.ts always run first, on the
 * whole text, so nothing downstream (templates, exemplars, snapshots) ever holds a secret.
 *
 * Variable rules run per whitespace-separated token by default (scope `token`): a token never
 * spans whitespace, most tokens are plain words that no rule can match, and a per-rule character
 * prefilter (`requires`) lets those words skip every regular expression. That is what keeps the
 * clusterer at hundreds of thousands of lines per second. Rules that must see several tokens at
 * once (dates written with spaces) use scope `message`. After masking, a double-quoted span and
 * a comma-separated run each become one token (joinQuoted, joinLists): one value, whatever its
 * number of words.
 */
import { z } from 'zod';
import { DEFAULT_SECRET_RULES, MaskRule, compileMaskRules, type CompiledMask } from '../secrets.js';
import { createSecretMasker, secretTrigramGate } from './secret-scan.js';
import { TRUNCATION_MARK, TokenScratch, classBitsOf } from './tokenize.js';

/** A variable-masking rule: a secrets.ts MaskRule plus where it applies and a cheap prefilter. */
export const VariableRule = MaskRule.extend({
  scope: z.enum(['token', 'message']).default('token').describe('token: applied to each whitespace-separated token; message: to the whole text'),
  requires: z
    .string()
    .min(1)
    .optional()
    .describe('the rule is tried only when the token (or message) holds every one of these characters; "0" stands for any digit, "a" for any letter'),
  minLength: z.number().int().min(1).optional().describe('the rule is tried only on tokens (or messages) at least this long'),
});
export type VariableRule = z.output<typeof VariableRule>;

/** Masks use this shape (`<:NAME:>`); the clusterer treats any token holding one as variable. */
export const MASK_PATTERN = /<:[A-Z0-9_]+:>/;

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
// A closed list of top-level domains: Java packages and file names (com.acme.Foo, run.sh,
// android.intent.action.X) must not read as host names. Runs before ipv4 so that
// 62.99.164.82.sh.example.at is one host, not an address followed by a host. Any dotted name
// followed by :port is a host too (bit.ly:443).
const TLD = '(?:com|net|org|edu|gov|mil|int|io|info|biz|cloud|dev|app|local|localdomain|internal|lan|corp|home|arpa|uk|de|jp|cn|ru|fr|it|nl|br|au|ca|kr|tw|hk|in|es|se|no|fi|dk|ch|at|be|cz|us|eu|ie|nz|za|mx|ar|cl|sg|my|th|vn|id|il|tr|gr|pt|hu|ro|ua|sk|bg)';
// `Foo.java:42` is a source line, not host:port.
const SOURCE_EXT = '(?:java|kt|scala|groovy|py|go|js|mjs|ts|tsx|rb|php|pl|c|cc|cpp|cxx|h|hpp|cs|swift|rs|m|mm|erl|ex|exs)';
// Kubernetes generated names use this alphabet (no vowels, no 0/1/3), so words rarely match it.
const K8S = '[bcdfghjklmnpqrstvwxz2456789]';

/**
 * The default variable rules, most specific first (a URL holds a host and a path; an IP holds
 * numbers). Generic on purpose: the same rules serve every log, none is written for one source.
 */
export const DEFAULT_VARIABLE_RULES: VariableRule[] = [
  { name: 'ctime', scope: 'message', requires: ':0a', flags: 'g', replacement: '<:TS:>',
    pattern: `\\b(?:${WEEKDAY},? +)?${MONTH} +\\d{1,2},? +(?:\\d{4} +)?\\d{1,2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?: +[A-Z]{2,5}(?= +\\d{4}\\b))?(?: +\\d{4}\\b)?` },
  { name: 'rfc1123', scope: 'message', requires: ':0a,', flags: 'g', replacement: '<:TS:>',
    pattern: `\\b${WEEKDAY}, +\\d{1,2} +${MONTH} +\\d{4} +\\d{2}:\\d{2}:\\d{2}(?: +(?:GMT|UTC|[+-]\\d{4}))?` },
  { name: 'url', scope: 'token', requires: ':/', minLength: 8, flags: 'g', replacement: '<:URL:>', pattern: `\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s"'<>]*[^\\s"'<>.,;:!?)\\]}]` },
  { name: 'email', scope: 'token', requires: '@.', minLength: 6, flags: 'g', replacement: '<:EMAIL:>', pattern: '\\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}\\b' },
  { name: 'uuid', scope: 'token', requires: '-0', minLength: 36, flags: 'g', replacement: '<:UUID:>', pattern: '\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b' },
  { name: 'iso-timestamp', scope: 'token', requires: '-0', minLength: 10, flags: 'g', replacement: '<:TS:>',
    pattern: '\\b\\d{4}-\\d{2}-\\d{2}(?:[T_]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?\\b' },
  { name: 'mac', scope: 'token', requires: '0', minLength: 17, flags: 'g', replacement: '<:MAC:>', pattern: '\\b[0-9A-Fa-f]{2}(?:([:-])[0-9A-Fa-f]{2})(?:\\1[0-9A-Fa-f]{2}){4,}\\b' },
  { name: 'ipv6', scope: 'token', requires: ':0', minLength: 3, flags: 'g', replacement: '<:IP:>',
    pattern: '(?<![\\w:])(?=[\\w:]*\\d)(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,5})?|::(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6}))(?![\\w:])' },
  { name: 'host', scope: 'token', requires: '.a', minLength: 4, flags: 'g', replacement: '<:HOST:>',
    pattern: `(?<![\\w.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+(?:${TLD}(?!\\.?[\\w-])|(?!${SOURCE_EXT}:)[A-Za-z][A-Za-z0-9-]*(?=:\\d{1,5}\\b))` },
  { name: 'ipv4', scope: 'token', requires: '.0', minLength: 7, flags: 'g', replacement: '<:IP:>', pattern: '(?<![\\d.])\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?(?![\\d.]*\\d)' },
  { name: 'time', scope: 'token', requires: ':0', minLength: 7, flags: 'g', replacement: '<:TIME:>', pattern: '\\b\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?\\b' },
  { name: 'unix-path', scope: 'token', requires: '/', minLength: 2, flags: 'g', replacement: '<:PATH:>',
    pattern: `(?<=^|[=:,'"(\\[{<])(?:~|\\.\\.?)?(?:/+[^\\s/'"()\\[\\]{}<>,;|:*?]+)+/?` },
  { name: 'windows-path', scope: 'token', requires: '\\:', minLength: 3, flags: 'g', replacement: '<:PATH:>', pattern: '\\b[A-Za-z]:\\\\[^\\s\'"<>|*?]*' },
  { name: 'k8s-pod', scope: 'token', requires: '-a', minLength: 7, flags: 'g', replacement: '<:POD:>',
    pattern: `\\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?-(?:${K8S}{6,10}-${K8S}{5}|(?=${K8S}{0,4}[2456789])${K8S}{5})\\b(?![.-]\\w)` },
  { name: 'hex', scope: 'token', requires: '0a', minLength: 3, flags: 'g', replacement: '<:HEX:>',
    pattern: '\\b0[xX][0-9a-fA-F]+\\b|(?<![A-Za-z0-9])(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{6,}(?![A-Za-z0-9])' },
  { name: 'duration', scope: 'token', requires: '0a', minLength: 2, flags: 'g', replacement: '<:DURATION:>',
    pattern: '(?<![\\w.])(?:\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h|d)){1,4}(?![\\w.])' },
  // A bound written flush against a number (`<1 sec`, `>=100 items`) is still that value; not
  // an Erlang pid's `<0.42.0>`, which the angle brackets enclose.
  { name: 'bound', scope: 'token', requires: '<0', flags: 'g', replacement: '<:NUM:>', pattern: '(?<![^\\s(\\[=:,])[<>]=?\\d+(?:\\.\\d+)?(?![\\d.>])' },
  { name: 'number', scope: 'token', requires: '0', flags: 'g', replacement: '<:NUM:>', pattern: '(?:(?<![A-Za-z0-9.])-)?\\d+(?:\\.\\d+)*' },
];

const BARE_MASK = /^<:[A-Z0-9_]+:>$/;
/**
 * A token that is letters flush against one number: an identifier such as `user123`, masked
 * (`user<:NUM:>`), or in a template (`user<*>`, with `tail` the wildcard). A character loop: the
 * masker asks it of every token in a run.
 */
export function isGluedId(m: string, tail = '<:NUM:>'): boolean {
  const end = m.length - tail.length;
  if (end < 1 || !m.endsWith(tail)) return false;
  for (let i = 0; i < end; i++) {
    const c = m.charCodeAt(i) | 32;
    if (c < 97 || c > 122) return false;
  }
  return true;
}
/** True when the whole token is one mask, e.g. `<:NUM:>`. */
export const isBareMask = (t: string): boolean => t.length > 4 && t.charCodeAt(0) === 60 && t.charCodeAt(1) === 58 && BARE_MASK.test(t);

/** Longest quoted span joined into one token, in tokens (a stray quote must not swallow a line). */
const MAX_QUOTED = 32;

/**
 * A token that opens a double-quoted span it does not close: `"connection` or, as a key's value,
 * `reason="connection` (the value of a key is one value whatever its length, as a bare quote's is).
 */
function opensQuote(a: string): boolean {
  if (a.charCodeAt(0) === 34) return a.length === 1 || !a.endsWith('"');
  const q = a.indexOf('"');
  return q > 1 && a.charCodeAt(q - 1) === 61 && a.indexOf('"', q + 1) < 0;
}

/**
 * Joins each double-quoted span of several tokens (`"connection reset by peer"`) into one
 * token. Quotes delimit one value whatever its length: a reason, a user agent, a file name
 * with spaces. Kept apart, the same event splits by how many words the value had (lines of
 * different lengths never meet in the clusterer); joined, the value is one position whose
 * variability the clusterer judges like any other. An unclosed quote leaves the tokens as they are.
 */
export function joinQuoted(tokens: string[]): string[] {
  let out: string[] | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const a = tokens[i];
    let close = -1;
    if (opensQuote(a)) {
      for (let j = i + 1; j < tokens.length && j <= i + MAX_QUOTED; j++) {
        const z = tokens[j];
        if (z.endsWith('"')) {
          close = j;
          break;
        }
        if (z.includes('"')) break;
      }
    }
    if (close < 0) {
      out?.push(a);
      continue;
    }
    out ??= tokens.slice(0, i);
    out.push(tokens.slice(i, close + 1).join(' '));
    i = close;
  }
  return out ?? tokens;
}

/**
 * Joins each comma-separated run (`nodes a, b, c up`: tokens ending in a comma and the one after
 * the last) into one token, as joinQuoted does for quotes: a list is one value whose length
 * varies from line to line, and kept apart it would split the event by list length. A run is
 * bounded like a quoted span. A comma inside prose (`failed, retrying`) joins two constant words
 * into one constant token: the template keeps them, only one position fewer.
 */
export function joinLists(tokens: string[]): string[] {
  let out: string[] | undefined;
  for (let i = 0; i < tokens.length; i++) {
    let j = i;
    while (j < tokens.length - 1 && j - i < MAX_QUOTED && tokens[j].length > 1 && tokens[j].endsWith(',')) j++;
    if (j === i) {
      out?.push(tokens[i]);
      continue;
    }
    out ??= tokens.slice(0, i);
    out.push(tokens.slice(i, j + 1).join(' '));
    i = j;
  }
  return out ?? tokens;
}

/** Options for {@link createMasker}; every list is data and is validated. */
export interface MaskerOptions {
  /** Secret rules, run first on the whole text (default: detectors/secrets.ts DEFAULT_SECRET_RULES). */
  secretRules?: unknown[];
  /** Variable rules in order (default: DEFAULT_VARIABLE_RULES). */
  variableRules?: unknown[];
  /** Token cache size per generation: repeated tokens (ports, hosts, users) skip the rules. */
  cacheSize?: number;
  /** Tokens kept per message; the rest is cut and marked (bounds the clusterer's work on junk lines). */
  maxTokens?: number;
  /** Collapse a run of identical masked tokens, or of the `collapsibleMasks`, into one (default true). */
  collapseRepeats?: boolean;
  /**
   * Bare masks that collapse together when adjacent (default NUM, HEX and a lone `-`, the
   * conventional placeholder for an absent value: `<hex> <hex> - - -` and `- - - - -` are the
   * same run of ids, some filled, some not).
   */
  collapsibleMasks?: string[];
  /** Count an identifier written as letters flush against a number (`pum<:NUM:>`) in a run of collapsible masks (default true). */
  collapseGluedIds?: boolean;
  /** Join a double-quoted span of several words into one token (default true; see joinQuoted). */
  joinQuoted?: boolean;
  /** Join a comma-separated run (`a, b, c`) into one token (default true; see joinLists). */
  joinLists?: boolean;
}

interface CompiledVariable {
  name: string;
  re: RegExp;
  replacement: string;
  /** Class bits that must all be present. */
  bits: number;
  minLength: number;
}

/** Masks secrets and variables; `tokens` is what the clusterer consumes. */
export interface Masker {
  /** Secrets and variables masked, whitespace runs kept as they were. */
  mask(text: string): string;
  /** Secrets masked, then split on whitespace, then each token's variables masked; repeats of a masked token collapse. */
  tokens(text: string): string[];
  /** Secrets only (for fields that are stored but not clustered, such as stack traces). */
  secrets(text: string): string;
}

/** Validates variable rules; throws naming the rule's index, name and field. */
export function parseVariableRules(rules: unknown[]): VariableRule[] {
  return rules.map((raw, i) => {
    const r = VariableRule.safeParse(raw);
    if (!r.success) {
      const name = typeof raw === 'object' && raw !== null && 'name' in raw ? ` (${String((raw as { name: unknown }).name)})` : '';
      throw new Error(`variable rule ${i}${name}: ${r.error.issues.map((x) => `${x.path.join('.') || 'rule'}: ${x.message}`).join('; ')}`);
    }
    return r.data;
  });
}

function compileVariables(rules: VariableRule[]): { token: CompiledVariable[]; message: CompiledVariable[] } {
  const compiled = compileMaskRules(rules.map(({ name, pattern, flags, replacement }) => ({ name, pattern, flags, replacement })));
  const token: CompiledVariable[] = [];
  const message: CompiledVariable[] = [];
  rules.forEach((r, i) => {
    const c: CompiledMask = compiled[i];
    const v = { name: c.name, re: c.re, replacement: c.replacement, bits: r.requires === undefined ? 0 : classBitsOf(r.requires), minLength: r.minLength ?? 0 };
    (r.scope === 'message' ? message : token).push(v);
  });
  return { token, message };
}

/** Builds a masker from rule data (defaults: the built-in secret and variable rules). */
export function createMasker(opts: MaskerOptions = {}): Masker {
  // Same result as maskSecrets(text, rules), with a cheaper test for the usual line with no secret.
  const secretMasks = compileMaskRules(opts.secretRules ?? DEFAULT_SECRET_RULES);
  const maskSecrets = createSecretMasker(secretMasks);
  // Tokenizing also tells whether a secret rule's word can be in the text (see tokenize.ts).
  const gate = secretTrigramGate(secretMasks);
  const { token: tokenRules, message: messageRules } = compileVariables(parseVariableRules(opts.variableRules ?? DEFAULT_VARIABLE_RULES));
  // A token whose classes satisfy no rule's prefilter skips the rules (and the cache) entirely.
  const ruleBits = [...new Set(tokenRules.map((r) => r.bits))];
  const needsRules = (bits: number): boolean => {
    for (const b of ruleBits) if ((b & bits) === b) return true;
    return false;
  };
  const cacheSize = Math.max(1, opts.cacheSize ?? 10_000);
  const collapse = opts.collapseRepeats ?? true;
  const maxTokens = opts.maxTokens ?? 512;
  const collapsible = new Set(opts.collapsibleMasks ?? ['<:NUM:>', '<:HEX:>', '-']);
  // Letters flush against a number (`pum12`, `vob2`) are one identifier, a value like the number
  // itself (token-compare.ts), so it counts in a run of values: `pum12 7` and `12 7` are one value
  // each, not two tokens beside one.
  const inRun = (m: string): boolean => collapsible.has(m) || (gluedIds && isGluedId(m));
  const gluedIds = opts.collapseGluedIds ?? true;
  const quoted = opts.joinQuoted ?? true;
  const lists = opts.joinLists ?? true;
  // Two generations: a hit in the old one is promoted, so tokens that keep coming back (hosts,
  // ports, users) survive while one-off ids (block ids, request ids) age out together. No
  // per-hit bookkeeping, unlike an LRU.
  let cache = new Map<string, string>();
  let old = new Map<string, string>();

  const maskToken = (tok: string, bits: number): string => {
    let hit = cache.get(tok);
    if (hit !== undefined) return hit;
    hit = old.get(tok);
    if (hit !== undefined) {
      remember(tok, hit);
      return hit;
    }
    let out = tok;
    let have = bits;
    for (const r of tokenRules) {
      if ((r.bits & have) !== r.bits || out.length < r.minLength) continue;
      r.re.lastIndex = 0;
      const next = out.replace(r.re, r.replacement);
      if (next !== out) {
        out = next;
        // Masks are inert: once the whole token is one mask no later rule can change it, and
        // the masked text usually lost its digits, which prunes the rules still to try.
        if (isBareMask(out)) break;
        have = classBitsOf(out);
      }
    }
    remember(tok, out);
    return out;
  };
  const remember = (tok: string, out: string) => {
    if (cache.size >= cacheSize) {
      old = cache;
      cache = new Map();
    }
    cache.set(tok, out);
  };

  const sc = new TokenScratch(gate);
  const scan = (t: string): number => sc.scan(t);

  /** Secrets, then message-scope rules; leaves `t`'s tokens in the scratch arrays. */
  const prepare = (text: string): string => {
    let t = text;
    let bits = scan(t);
    // Without the gate, or when a rule's word may be there, the secret rules decide.
    if (gate === null || sc.gateHit) {
      t = maskSecrets(text);
      if (t !== text) bits = scan(t);
    }
    if (messageRules.length === 0) return t;
    const before = t;
    for (const r of messageRules) {
      if ((r.bits & bits) !== r.bits || t.length < r.minLength) continue;
      r.re.lastIndex = 0;
      t = t.replace(r.re, r.replacement);
    }
    if (t !== before) scan(t);
    return t;
  };

  const tokens = (text: string): string[] => {
    const t = prepare(text);
    const out: string[] = [];
    let prev = '';
    const { starts, ends, classes } = sc;
    const count = Math.min(sc.count, maxTokens);
    for (let i = 0; i < count; i++) {
      const tok = t.slice(starts[i], ends[i]);
      const bits = classes[i];
      if (!needsRules(bits)) {
        // An absent value (`-`) in a run of values counts with them.
        if (collapse && tok.length === 1 && prev !== '' && collapsible.has(tok) && collapsible.has(prev)) continue;
        out.push((prev = tok));
        continue;
      }
      const m = maskToken(tok, bits);
      // A run of the same masked token (`blk_1 blk_2 blk_3`) or of bare number-like masks
      // (`0x1f 20 3`: hex words without a letter read as numbers) is a list of values whose
      // length varies from line to line, so it counts once.
      if (collapse && prev !== '' && (m === prev ? m.includes('<:') : inRun(m) && inRun(prev))) continue;
      out.push((prev = m));
    }
    if (sc.count > maxTokens) out.push(TRUNCATION_MARK);
    const q = quoted && t.includes('"') ? joinQuoted(out) : out;
    return lists && t.includes(', ') ? joinLists(q) : q;
  };

  const mask = (text: string): string => {
    const t = prepare(text);
    let out = '';
    let last = 0;
    const { starts, ends, classes, count } = sc;
    for (let i = 0; i < count; i++) {
      const tok = t.slice(starts[i], ends[i]);
      out += t.slice(last, starts[i]) + (needsRules(classes[i]) ? maskToken(tok, classes[i]) : tok);
      last = ends[i];
    }
    return out + t.slice(last);
  };

  return { mask, tokens, secrets: maskSecrets };
}
