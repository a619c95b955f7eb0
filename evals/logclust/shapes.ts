/**
 * Held-out log systems aimed at the over-splitting issue 14 names: templates that differ only
 * at a token that is partly variable, or by a short optional fragment, and should be one event.
 * Events are known by construction (the template a line was drawn from). Written from the
 * failure modes' description alone, with made-up words (random syllables), so nothing of any
 * public log leaks in. Each seed makes one system of 25–45 events and 2,000 lines, Zipf-like.
 *
 * Variable shapes, each a whole-token variable unless said otherwise:
 *  - ids glued to a constant prefix drawn from a small pool (`mabo123` beside `tek7`), and the
 *    same with the prefix sometimes missing (`x12` beside `12`);
 *  - `key=value` with a value from a large pool: numbers, words, glued ids, hex;
 *  - a bracketed thread name of several shapes (`[main]`, `[worker-3]`, `[pool-2-thread-7]`),
 *    sometimes first on the line;
 *  - hex addresses with and without `0x`;
 *  - paths with variable segments (`/root/sub/4411/part-00012.dat`);
 *  - numbers glued to a unit (`120KB`, `35ms`);
 *  - a varying number of tokens: a quoted reason of 1–4 words, a list of 1–4 names;
 *  - an optional short trailing fragment (`(12 KB)`, `[retry 2]`, `(took 35 ms)`) that about
 *    half the lines of an event carry.
 * To make over-merging cost something, a quarter of the events have a near-twin that differs in
 * one constant word (`opened` / `closed`) or one constant key (`size=` / `count=`): two events.
 * Pure: a seed in, lines out.
 */
import { seededRng, type Rng } from '../../core/rng.js';
import { hex, int, num, pick, shuffleTogether, twinParts, withTwins, word, type GeneratedSystem, type Part, type Slot } from './gen-parts.js';
import { zipfPicker } from './zipf.js';

/** One generated system: lines (content only) and the event of each. */
export type ShapeSystem = GeneratedSystem;

/** The variable shapes of one system; pools are drawn once per system from `r`. */
function shapes(r: Rng, vocab: readonly string[]): (() => Slot)[] {
  const pool = (lo: number, hi: number, make: () => string) => [...new Set(Array.from({ length: int(r, lo, hi) }, make))];
  return [
    () => {
      const prefixes = pool(3, 8, () => word(r, int(r, 1, 2)));
      return (q) => pick(q, prefixes) + num(q);
    },
    () => {
      const p = word(r, 1);
      return (q) => (q() < 0.5 ? p : '') + num(q);
    },
    () => {
      const names = pool(30, 80, () => word(r));
      const prefixes = pool(3, 6, () => word(r, 1));
      const values: Slot[] = [num, (q) => pick(q, names), (q) => pick(q, prefixes) + num(q), (q) => hex(q, 8)];
      return pick(r, values);
    },
    () => {
      const pools = pool(2, 4, () => word(r, int(r, 1, 2)));
      const fixed = pool(1, 3, () => word(r, 2));
      return (q) => {
        const u = q();
        if (u < 0.2) return `[${pick(q, fixed)}]`;
        if (u < 0.6) return `[${pick(q, pools)}-${int(q, 0, 31)}]`;
        return `[${pick(q, pools)}-${int(q, 1, 9)}-thread-${int(q, 1, 64)}]`;
      };
    },
    () => (q) => (q() < 0.5 ? `0x${hex(q, pick(q, [8, 12, 16]))}` : hex(q, pick(q, [8, 12]))),
    () => {
      const root = pick(r, vocab);
      const sub = pool(2, 5, () => pick(r, vocab));
      return (q) => `/${root}/${pick(q, sub)}/${num(q)}/part-${String(int(q, 0, 99_999)).padStart(5, '0')}.${pick(q, ['dat', 'log', 'idx'])}`;
    },
    () => {
      const unit = pick(r, ['KB', 'MB', 'ms', 'B']);
      return (q) => `${num(q)}${unit}`;
    },
    () => {
      const words = pool(20, 60, () => word(r));
      return (q) => `"${Array.from({ length: int(q, 1, 4) }, () => pick(q, words)).join(' ')}"`;
    },
    () => {
      const names = pool(20, 60, () => word(r));
      return (q) => Array.from({ length: int(q, 1, 4) }, () => pick(q, names)).join(', ');
    },
  ];
}

/** A short bracketed aside holding a value, which an event's lines may or may not carry. */
function fragment(r: Rng, vocab: readonly string[]): Slot {
  const label = pick(r, vocab);
  const unit = pick(r, ['KB', 'ms', 'items']);
  return pick(r, [(q: Rng) => `(${num(q)} ${unit})`, (q: Rng) => `[${label} ${int(q, 1, 9)}]`, (q: Rng) => `(${label} ${num(q)} ${unit})`]);
}

interface Template {
  parts: Part[];
  tail?: Slot;
}

function makeTemplate(r: Rng, vocab: readonly string[], kinds: (() => Slot)[], keyShape: () => Slot): Template {
  const n = int(r, 3, 9);
  // A thread name or a glued id may open the line: position 0 is not always the event's name.
  const parts: Part[] = r() < 0.15 ? [kinds[3](), pick(r, vocab)] : [pick(r, vocab)];
  while (parts.length < n) {
    const u = r();
    if (u < 0.3) parts.push(pick(r, kinds)());
    else if (u < 0.42) parts.push({ key: pick(r, vocab), value: keyShape() });
    else parts.push(pick(r, vocab));
  }
  return { parts, tail: r() < 0.3 ? fragment(r, vocab) : undefined };
}

/** A near-twin: one constant word, or one key, swapped for another (another event). */
function twin(r: Rng, t: Template): Template | undefined {
  const parts = twinParts(r, t.parts);
  return parts && { parts, tail: t.tail };
}

const render = (p: Part, r: Rng): string => (typeof p === 'string' ? p : typeof p === 'function' ? p(r) : `${p.key}=${p.value(r)}`);

/** One system from a seed (deterministic). */
export function shapeSystem(seed: number, lines = 2_000): ShapeSystem {
  const r = seededRng(0x5a9e + seed * 104_729);
  const vocab = [...new Set(Array.from({ length: 200 }, () => word(r)))];
  const kinds = shapes(r, vocab);
  const keyShape = kinds[2];
  const templates = withTwins(r, int(r, 25, 45), () => makeTemplate(r, vocab, kinds, keyShape), (t) => twin(r, t));
  const templateOf = zipfPicker(r, templates.length, 0.8);
  const out: string[] = [];
  const events: string[] = [];
  for (let i = 0; i < lines; i++) {
    const ti = templateOf(i);
    const t = templates[ti];
    const words = t.parts.map((p) => render(p, r));
    if (t.tail && r() < 0.5) words.push(t.tail(r));
    out.push(words.join(' '));
    events.push(`E${ti}`);
  }
  shuffleTogether(r, out, events);
  return { name: `shapes-${seed}`, lines: out, events, templates: new Set(events).size };
}
