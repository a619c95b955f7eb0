/**
 * Secret masking: ordered rules, pattern → replacement, applied to every text before it is
 * stored, logged, posted to chat or shown to a model. Rules are data (validated with zod), so
 * an operator can add their own without code.
 */
import { z } from 'zod';

export const MaskRule = z.object({
  name: z.string().min(1),
  pattern: z.string().min(1).describe('JavaScript regular expression source'),
  flags: z.string().regex(/^[gimsuy]*$/).default('g'),
  replacement: z.string().describe('May use $1… to keep the part before the secret'),
});
export type MaskRule = z.output<typeof MaskRule>;

/** Built-in secret rules. Each keeps the label (e.g. "password=") and hides the value. */
export const DEFAULT_SECRET_RULES: MaskRule[] = [
  { name: 'private-key', pattern: '-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)', flags: 'g', replacement: '<:PRIVATE_KEY:>' },
  { name: 'bearer', pattern: '\\b(Bearer|Basic|Token)\\s+[A-Za-z0-9._~+/=-]{8,}', flags: 'gi', replacement: '$1 <:SECRET:>' },
  { name: 'jwt', pattern: '\\beyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}', flags: 'g', replacement: '<:JWT:>' },
  { name: 'aws-access-key', pattern: '\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b', flags: 'g', replacement: '<:AWS_KEY:>' },
  { name: 'slack-token', pattern: '\\bxox[abposr]-[A-Za-z0-9-]{10,}', flags: 'g', replacement: '<:SLACK_TOKEN:>' },
  { name: 'github-token', pattern: '\\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})', flags: 'g', replacement: '<:GITHUB_TOKEN:>' },
  { name: 'openai-key', pattern: '\\bsk-(?:proj-)?[A-Za-z0-9_-]{16,}', flags: 'g', replacement: '<:API_KEY:>' },
  { name: 'warroom-key', pattern: '\\bwr[a]?_[A-Za-z0-9_-]{20,}', flags: 'g', replacement: '<:API_KEY:>' },
  { name: 'url-credentials', pattern: '\\b([a-z][a-z0-9+.-]*://[^\\s:/@]+:)[^\\s@/]+@', flags: 'gi', replacement: '$1<:SECRET:>@' },
  {
    name: 'key-value-secret',
    pattern: '((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret|auth[_-]?token)["\']?\\s*[:=]\\s*["\']?)(?!<:)[^\\s"\',;&}>]+',
    flags: 'gi',
    replacement: '$1<:SECRET:>',
  },
  // A bare "auth" is also a service's name ("auth: score 0.4", "oauth: ok"): a value is masked
  // only where it is assigned (auth=…, auth:…, "auth": "…"), not after "auth: " in prose nor
  // in a host:port ("auth:8080").
  {
    name: 'auth-value',
    pattern: '((?<![A-Za-z0-9])auth(?:=|["\']\\s*:\\s*["\']?|:(?=[^\\s])))(?!<:)(?!\\d{1,5}(?![^\\s"\',;&}>/]))[^\\s"\',;&}>/]+',
    flags: 'gi',
    replacement: '$1<:SECRET:>',
  },
];

export interface CompiledMask {
  name: string;
  re: RegExp;
  replacement: string;
}

/** Validates and compiles rules; throws with the rule's index and name when a pattern is bad. */
export function compileMaskRules(rules: unknown[]): CompiledMask[] {
  return rules.map((raw, i) => {
    const parsed = MaskRule.safeParse(raw);
    if (!parsed.success) {
      throw new Error(`mask rule ${i}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    }
    const r = parsed.data;
    try {
      return { name: r.name, re: new RegExp(r.pattern, r.flags.includes('g') ? r.flags : `${r.flags}g`), replacement: r.replacement };
    } catch (e) {
      throw new Error(`mask rule ${i} (${r.name}): bad pattern: ${(e as Error).message}`, { cause: e });
    }
  });
}

export const DEFAULT_SECRET_MASKS = compileMaskRules(DEFAULT_SECRET_RULES);

/**
 * Regular expressions that match wherever any rule could (the union of the patterns, with the
 * loosest flags), so text with no secret costs one scan instead of one per rule. Rules with the
 * `u` flag get their own union: under `u` a pattern counts code points, not UTF-16 units, and
 * folds case differently, so one union of both kinds could miss what a rule matches. Null when
 * the patterns cannot be combined (e.g. a custom rule with a back-reference).
 */
const prefilters = new WeakMap<CompiledMask[], RegExp[] | null>();
function unionOf(masks: CompiledMask[], flags: string): RegExp | null {
  try {
    return new RegExp(masks.map((m) => `(?:${m.re.source})`).join('|'), flags);
  } catch {
    return null;
  }
}
function prefilterOf(masks: CompiledMask[]): RegExp[] | null {
  let p = prefilters.get(masks);
  if (p === undefined) {
    p = null;
    if (!masks.some((m) => /\\\d/.test(m.re.source))) {
      const plain = masks.filter((m) => !m.re.unicode);
      const unicode = masks.filter((m) => m.re.unicode);
      const unions = [plain.length ? unionOf(plain, 'ims') : undefined, unicode.length ? unionOf(unicode, 'imsu') : undefined].filter((u) => u !== undefined);
      p = unions.every((u) => u !== null) ? (unions as RegExp[]) : null;
    }
    prefilters.set(masks, p);
  }
  return p;
}

/** Replaces every secret in `text`. Cheap when nothing matches. */
export function maskSecrets(text: string, masks: CompiledMask[] = DEFAULT_SECRET_MASKS): string {
  const pre = prefilterOf(masks);
  if (pre && !pre.some((re) => re.test(text))) return text;
  let out = text;
  for (const m of masks) {
    m.re.lastIndex = 0;
    if (m.re.test(out)) {
      m.re.lastIndex = 0;
      out = out.replace(m.re, m.replacement);
    }
  }
  return out;
}

/**
 * Masks every string inside a JSON-like value (labels, meta, log bindings), however deep; keys
 * that name a secret lose their value. Only plain objects and arrays are walked (class instances
 * such as requests are left as they are). Returns a copy: the walk keeps its own stack, so no
 * depth exhausts the call stack, and it maps each object to one masked copy, so a shared or
 * cyclic reference is masked once and points at the copy, never at the unmasked original.
 */
export function maskDeep<T>(value: T, masks: CompiledMask[] = DEFAULT_SECRET_MASKS): T {
  if (typeof value === 'string') return maskSecrets(value, masks) as T;
  if (!walkable(value)) return value;
  const copies = new Map<object, object>();
  const copyOf = (src: object): object => {
    let dst = copies.get(src);
    if (!dst) {
      dst = Array.isArray(src) ? new Array<unknown>(src.length) : {};
      copies.set(src, dst);
      todo.push([src, dst]);
    }
    return dst;
  };
  const todo: [object, object][] = [];
  const root = copyOf(value);
  while (todo.length > 0) {
    const [src, dst] = todo.pop()!;
    const isArray = Array.isArray(src);
    for (const [k, v] of Object.entries(src)) {
      const out = typeof v === 'string' ? (!isArray && SECRET_KEY.test(k) ? '<:SECRET:>' : maskSecrets(v, masks)) : walkable(v) ? copyOf(v) : v;
      // A "__proto__" key from JSON.parse is an own property: assigning it would set the prototype instead.
      if (k === '__proto__') Object.defineProperty(dst, k, { value: out, writable: true, enumerable: true, configurable: true });
      else (dst as Record<string, unknown>)[k] = out;
    }
  }
  return root as T;
}

/** Plain objects and arrays: what JSON produces, and all that masking walks into. */
function walkable(v: unknown): v is object {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const SECRET_KEY = /^(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret|authorization|private[_-]?key)$/i;
