/**
 * Held-out log systems of the shapes operational logs commonly carry and the other generators
 * (synth.ts, shapes.ts) do not: written from general knowledge of log formats (syslog, web
 * servers, RPC services, JVM services), not from any Loghub file, and committed before the
 * clusterer was scored on it. Made-up words (random syllables) stand for the constant text, so
 * no real vocabulary leaks in. Each seed makes one system of 25–45 events and 2,000 lines.
 *
 * Shapes, each the same event whatever value it takes:
 *  - `key: value` pairs, the key and its value two tokens (`status: 200 len: 1893 time: 0.24`);
 *  - durations and clock values in one event's several spellings (`12ms` / `1.52s`,
 *    `00:01:02`, `<1 sec` / `12 sec`);
 *  - host:port and ip:port (`10.2.3.4:8080`, `db-3.corp.internal:5432`, `localhost:9092`);
 *  - URL paths with a query string (`/v2/users/4411?limit=20&page=3`) and full URLs;
 *  - a bracketed request-context block of several tokens holding ids or dashes
 *    (`[req-<uuid> <hex> <hex> - - -]` beside `[req-<uuid> - - - - -]`), first on the line or not;
 *  - a `process[pid]:` prefix first on the line (`kovad[4411]:`);
 *  - a bracketed argument list of 0–4 items (`[]`, `[tika]`, `[tika, vor, mu]`);
 *  - Java class names as constants (`com.bapo.kite.RunaService`) and a thrown exception whose
 *    class varies within the event (`java.io.IOException` beside `...TimeoutException`).
 * A quarter of the events have a near-twin that differs in one constant word or one key
 * (`status:` / `code:`): two events, so over-merging costs. Pure: a seed in, lines out.
 */
import { seededRng, type Rng } from '../../core/rng.js';
import { hex, int, num, pick, shuffleTogether, twinParts, withTwins, word, type GeneratedSystem, type Part, type Slot } from './gen-parts.js';
import { zipfPicker } from './zipf.js';

/** One generated system: lines (content only) and the event of each. */
export type OpsSystem = GeneratedSystem;
const cap = (w: string): string => w[0].toUpperCase() + w.slice(1);
const uuid = (r: Rng): string => `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`;
const ip = (r: Rng): string => `${int(r, 10, 223)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
const two = (n: number): string => String(n).padStart(2, '0');

/** The value shapes a `key: value` pair takes (one per key, drawn once). */
const VALUES: Slot[] = [
  (q) => pick(q, ['200', '201', '204', '304', '400', '404', '500', '503']),
  num,
  (q) => (q() * 3).toFixed(pick(q, [2, 4])),
  (q) => `${int(q, 0, 999)}ms`,
];

/** The variable shapes of one system; pools are drawn once per system from `r`. */
function kinds(r: Rng, vocab: readonly string[], pkg: string): (() => Slot)[] {
  const pool = (lo: number, hi: number, make: () => string) => [...new Set(Array.from({ length: int(r, lo, hi) }, make))];
  const hosts = pool(4, 12, () => `${word(r, 1)}-${int(r, 1, 9)}.${pick(r, vocab)}.${pick(r, ['internal', 'corp', 'local', 'net'])}`);
  const exceptions = pool(3, 7, () => (r() < 0.5 ? `java.${pick(r, ['io', 'net', 'util.concurrent'])}.${cap(word(r, 2))}Exception` : `${pkg}.${word(r, 1)}.${cap(word(r, 2))}Exception`));
  const items = pool(10, 40, () => word(r));
  return [
    // durations: an event writes one kind of duration, in whichever unit fits the value
    () => pick(r, [(q: Rng) => (q() < 0.6 ? `${int(q, 0, 999)}ms` : `${(q() * 20).toFixed(2)}s`), (q: Rng) => `${two(int(q, 0, 23))}:${two(int(q, 0, 59))}:${two(int(q, 0, 59))}`]),
    // host:port or ip:port (an event's peers are all one kind)
    () => pick(r, [(q: Rng) => `${ip(q)}:${int(q, 1024, 65535)}`, (q: Rng) => `${pick(q, hosts)}:${pick(q, ['5432', '6379', '8080', '9092', '443'])}`, (q: Rng) => `localhost:${int(q, 1024, 65535)}`]),
    // a URL path with a query string, or a full URL
    () => {
      const root = pick(r, vocab);
      const res = pool(2, 5, () => pick(r, vocab));
      const full = r() < 0.3;
      return (q) => {
        const p = `/${root}/v${int(q, 1, 3)}/${pick(q, res)}/${num(q)}${q() < 0.7 ? `?${pick(q, ['limit', 'page', 'since'])}=${num(q)}&${pick(q, ['offset', 'sort', 'fmt'])}=${q() < 0.5 ? num(q) : pick(q, items)}` : ''}`;
        return full ? `https://${pick(q, hosts)}${p}` : p;
      };
    },
    // a bracketed argument list of 0–4 items
    () => (q) => `[${Array.from({ length: int(q, 0, 4) }, () => pick(q, items)).join(', ')}]`,
    // a thrown exception whose class varies within the event
    () => (q) => `${pick(q, exceptions)}:`,
    // ids: a uuid, a hex id, a plain number
    () => pick(r, [uuid, (q: Rng) => hex(q, pick(q, [16, 32])), num]),
    // a wait that reads `<1 sec` when short
    () => (q) => (q() < 0.4 ? '<1 sec' : `${int(q, 1, 600)} sec`),
  ];
}

/** The request-context block: a request id, then user and project ids or a dash each, and three dashes. */
const context: Slot = (q) => `[req-${uuid(q)} ${q() < 0.6 ? `${hex(q, 32)} ${hex(q, 32)}` : '- -'} - - -]`;

interface Template {
  parts: Part[];
}

function makeTemplate(r: Rng, vocab: readonly string[], shapes: (() => Slot)[], procs: readonly string[], classes: readonly string[]): Template {
  const parts: Part[] = [];
  const u = r();
  // What opens the line: a process[pid]: prefix (the program fixed per event), a request-context
  // block, a class name with or without one after it, or nothing before the event's word.
  if (u < 0.2) {
    const prog = pick(r, procs);
    parts.push((q: Rng) => `${prog}[${int(q, 2, 65_535)}]:`);
  } else if (u < 0.35) parts.push(context);
  else if (u < 0.55) {
    parts.push(pick(r, classes));
    if (u < 0.45) parts.push(context);
  }
  parts.push(pick(r, vocab));
  const n = parts.length + int(r, 2, 7);
  while (parts.length < n) {
    const v = r();
    if (v < 0.35) parts.push(pick(r, shapes)());
    else if (v < 0.5) parts.push({ key: pick(r, vocab), value: pick(r, VALUES) });
    else parts.push(pick(r, vocab));
  }
  return { parts };
}

/** A near-twin: one constant word (not the first), or one key, swapped for another (another event). */
function twin(r: Rng, t: Template): Template | undefined {
  const parts = twinParts(r, t.parts);
  return parts && { parts };
}

const render = (p: Part, r: Rng): string => (typeof p === 'string' ? p : typeof p === 'function' ? p(r) : `${p.key}: ${p.value(r)}`);

/** One system from a seed (deterministic). */
export function opsSystem(seed: number, lines = 2_000): OpsSystem {
  const r = seededRng(0x0b5 + seed * 7_919);
  const vocab = [...new Set(Array.from({ length: 200 }, () => word(r)))];
  const pkg = `${pick(r, ['com', 'org', 'io'])}.${word(r, 2)}`;
  const shapes = kinds(r, vocab, pkg);
  const procs = [...new Set(Array.from({ length: int(r, 2, 5) }, () => word(r, 2) + pick(r, ['d', ''])))];
  const classes = [...new Set(Array.from({ length: int(r, 3, 8) }, () => `${pkg}.${word(r, 1)}.${cap(word(r, 2))}${pick(r, ['Service', 'Handler', 'Manager', ''])}`))];
  const templates = withTwins(r, int(r, 25, 45), () => makeTemplate(r, vocab, shapes, procs, classes), (t) => twin(r, t));
  const templateOf = zipfPicker(r, templates.length, 0.8);
  const out: string[] = [];
  const events: string[] = [];
  for (let i = 0; i < lines; i++) {
    const ti = templateOf(i);
    out.push(templates[ti].parts.map((p) => render(p, r)).join(' '));
    events.push(`E${ti}`);
  }
  shuffleTogether(r, out, events);
  return { name: `ops-${seed}`, lines: out, events, templates: new Set(events).size };
}
