/**
 * Synthetic log systems whose events are known by construction: a held-out check for log
 * clustering that nothing was tuned on. Each seed makes one "system": made-up words (random
 * syllables, so no real vocabulary leaks in), 20–50 event templates, and 2,000 lines drawn with
 * Zipf-like frequencies. Templates mix constant words with the variable shapes real logs carry:
 *  - plain numbers, hex ids, IPv4 (with and without a port), absolute paths, key=value pairs;
 *  - ids glued to a constant prefix (`job_4411`, `task17`) and ids whose prefix itself varies
 *    (`user123` beside `admin7`): the whole token is the variable;
 *  - words from a large pool (user or host names): a slot that keeps taking new values;
 *  - an optional bracketed aside holding a value (`1190 bytes (1.16 KB) sent` beside `403 bytes
 *    sent`), at the end or inside, that some lines of the event carry and others do not;
 *  - an appended clause (`… over 30 seconds`) that makes another event: in the public Loghub
 *    labels such clauses name distinct events (`… detected and corrected` and `… detected and
 *    corrected over <*> seconds`), so the generator follows that convention;
 *  - near-twin events: two templates that differ in one constant word only (`started` /
 *    `stopped`), which must stay apart.
 * The truth of a line is the template it was drawn from. Pure: a seed in, lines out.
 */
import { seededRng, type Rng } from '../../core/rng.js';
import { zipfPicker } from './zipf.js';

/** One generated system: lines (content only, no header) and the event of each. */
export interface SynthSystem {
  name: string;
  lines: string[];
  events: string[];
  templates: number;
}

type Slot = (r: Rng) => string;

const CONSONANTS = 'bcdfghklmnprstvz';
const VOWELS = 'aeiou';
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

function word(r: Rng, syllables = int(r, 1, 3)): string {
  let w = '';
  for (let i = 0; i < syllables; i++) w += pick(r, [...CONSONANTS]) + pick(r, [...VOWELS]);
  return r() < 0.3 ? w + pick(r, [...CONSONANTS]) : w;
}

/** A number of 1 to 7 digits with a long tail (most values small, a few large). */
const number = (r: Rng): string => String(Math.floor(Math.exp(r() * 16)));
const hexId = (r: Rng, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(r() * 16)];
  // Ids that happen to be all digits are still hex ids.
  return s;
};
const ip = (r: Rng): string => `${int(r, 10, 223)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;

/** Builds the variable kinds of one system (each closes over pools drawn once per system). */
function variableKinds(r: Rng, vocab: string[]): { name: string; make: () => Slot }[] {
  return [
    { name: 'num', make: () => number },
    { name: 'hex', make: () => { const n = pick(r, [8, 12, 16]); return (q) => hexId(q, n); } },
    { name: 'ip', make: () => (r() < 0.5 ? ip : (q) => `${ip(q)}:${int(q, 1024, 65535)}`) },
    { name: 'path', make: () => { const root = pick(r, vocab); return (q) => `/${root}/${pick(q, vocab)}/${word(q)}.${pick(q, ['log', 'dat', 'tmp'])}`; } },
    { name: 'kv', make: () => { const k = pick(r, vocab); return r() < 0.5 ? (q) => `${k}=${number(q)}` : (q) => `${k}=${word(q)}`; } },
    { name: 'prefixed-id', make: () => { const p = word(r, 1) + pick(r, ['', '_', '-']); return (q) => p + number(q); } },
    { name: 'mixed-id', make: () => { const ps = Array.from({ length: int(r, 3, 6) }, () => word(r, int(r, 1, 2))); return (q) => pick(q, ps) + number(q); } },
    { name: 'name', make: () => { const pool = Array.from({ length: int(r, 12, 40) }, () => word(r)); return (q) => pick(q, pool); } },
  ];
}

interface Template {
  parts: (string | Slot)[];
  /** An optional aside half the lines carry, and where it goes (index into parts; may be the end). */
  aside?: { at: number; make: Slot };
}

function makeTemplate(r: Rng, vocab: string[], kinds: ReturnType<typeof variableKinds>): Template {
  const n = int(r, 3, 10);
  const parts: (string | Slot)[] = [pick(r, vocab)];
  for (let i = 1; i < n; i++) {
    if (r() < 0.35) {
      const k = pick(r, kinds);
      parts.push(k.make());
    } else parts.push(r() < 0.15 ? `${pick(r, vocab)}:` : pick(r, vocab));
  }
  let aside: Template['aside'];
  if (r() < 0.2) {
    const unit = pick(r, ['KB', 'ms', 'items', 'bytes']);
    const label = pick(r, vocab);
    const make: Slot = r() < 0.5 ? (q) => `(${number(q)} ${unit})` : r() < 0.5 ? (q) => `[${label}=${number(q)}]` : (q) => `(${label} ${number(q)})`;
    aside = { at: int(r, 1, parts.length), make };
  }
  return { parts, aside };
}

/** One system from a seed (deterministic). */
export function synthSystem(seed: number, lines = 2_000): SynthSystem {
  const r = seededRng(seed);
  const vocab = [...new Set(Array.from({ length: 160 }, () => word(r)))];
  const kinds = variableKinds(r, vocab);
  const templates: Template[] = [];
  const count = int(r, 20, 50);
  while (templates.length < count) {
    const t = makeTemplate(r, vocab, kinds);
    templates.push(t);
    // A near-twin: the same template with one constant word (not the first) swapped.
    const constants = t.parts.map((p, i) => (typeof p === 'string' && i > 0 ? i : -1)).filter((i) => i > 0);
    if (constants.length > 0 && r() < 0.25) {
      const parts = [...t.parts];
      parts[pick(r, constants)] = word(r);
      templates.push({ parts, aside: t.aside });
    }
    // A clause twin: the same statement with a clause appended is another event.
    if (r() < 0.1) {
      const unit = pick(r, ['seconds', 'tries', 'nodes']);
      templates.push({ parts: [...t.parts, pick(r, vocab), number, unit], aside: t.aside });
    }
  }
  const templateOf = zipfPicker(r, templates.length, 1);
  const out: string[] = [];
  const events: string[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < lines; i++) {
    const ti = templateOf(i);
    seen.add(ti);
    const t = templates[ti];
    const words = t.parts.map((p) => (typeof p === 'string' ? p : p(r)));
    if (t.aside && r() < 0.5) words.splice(t.aside.at, 0, t.aside.make(r));
    out.push(words.join(' '));
    events.push(`E${ti}`);
  }
  // Shuffle so that the walk over every template is not always at the start.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
    [events[i], events[j]] = [events[j], events[i]];
  }
  return { name: `synth-${seed}`, lines: out, events, templates: seen.size };
}
