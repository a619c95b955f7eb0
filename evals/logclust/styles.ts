/**
 * Held-out log systems in the styles of kinds of system the other generators (synth.ts, shapes.ts,
 * ops.ts) do not imitate: written from general knowledge of what such systems log, not from any
 * Loghub file, and committed before the clusterer was scored on them. Made-up words (random
 * syllables) stand for the constant text. Each seed makes one system that mixes three of the eight
 * styles below: 25–45 events, 2,000 lines, Zipf-like frequencies.
 *
 * Styles (each line's event is the template it was drawn from; every slot varies within it):
 *  - batch/JVM components: a tuple of several values in parentheses (`(TID 4411, kopa-3, executor
 *    7, 2048 bytes)`), ids glued with underscores (`attempt_1445144423722_0020_m_000002_0`), sizes
 *    whose unit varies with the value (`4.3 KB` / `1.2 MB`), state transitions over a few states
 *    (`from NEW to RUNNING`);
 *  - key=value records whose key set names the event: events sharing their words but not their keys
 *    are different events; values are numbers, words, single- or double-quoted phrases, booleans;
 *  - lists of varying length: `[a, b]`, `a,b,c` (glued), `{x=1, y=2}`, `peers=[h:1,h:2]`;
 *  - mixed quoting: `'name'`, `"a reason of several words"`, `` `table` ``;
 *  - events with three to five varying words at once (users, hosts, tags, glued ids);
 *  - request lines: method and route constant per event, ids in the path vary
 *    (`GET /kopa/v1/orders/4411/items?page=2 HTTP/1.1 200 512`), a quoted user agent of a
 *    varying number of words; two routes differing in one constant segment are two events;
 *  - storage and kernel: device names (`sdb`, `nvme0n1p2`), `2:0:0:0`, `ata3.00:`, a flags run
 *    (`Emask 0x0 SAct 0x1f SErr 0x0`), `total-vm:123456kB`, a value glued to a trailing period;
 *  - desktop OS services: Windows-style `C:\Kopa\winsxs\...\x.dll`, `{GUID}`, versions
 *    (`v6.1.7601.23505`), `HRESULT = 0x80004005`; Mac-style `com.kopa.vemu[1]
 *    (com.kopa.tiru.12345[678]):` and `Reason 8 (…)`.
 * A quarter of the events have a near-twin differing in one constant word (another event), so
 * over-merging costs. Pure: a seed in, lines out.
 */
import { seededRng, type Rng } from '../../core/rng.js';
import { hex, int, num, pick, shuffleTogether, withTwins, word, type GeneratedSystem, type Slot } from './gen-parts.js';
import { zipfPicker } from './zipf.js';

/** `eventStyle`: the style each event was drawn from (for per-style breakdowns). */
export type StyleSystem = GeneratedSystem & { eventStyle: Record<string, string> };
/** A constant (may hold punctuation) or a slot (may render several tokens); parts are joined by a space. */
type Part = string | Slot;
interface Template {
  parts: Part[];
  style?: string;
}

const cap = (w: string): string => w[0].toUpperCase() + w.slice(1);
const up = (w: string): string => w.toUpperCase();
const guid = (q: Rng): string => up(`{${hex(q, 8)}-${hex(q, 4)}-${hex(q, 4)}-${hex(q, 4)}-${hex(q, 12)}}`);
const size = (q: Rng): string => `${(q() * 999).toFixed(1)} ${pick(q, ['B', 'KB', 'MB', 'GB'])}`;

/** What every style draws from: the system's words and pools (drawn once per system). */
interface World {
  r: Rng;
  vocab: string[];
  w: () => string;
  pool: (lo: number, hi: number, make: () => string) => string[];
}

function world(r: Rng): World {
  const vocab = [...new Set(Array.from({ length: 200 }, () => word(r)))];
  const pool = (lo: number, hi: number, make: () => string) => [...new Set(Array.from({ length: int(r, lo, hi) }, make))];
  return { r, vocab, w: () => pick(r, vocab), pool };
}

/** A few words of constant text (the event's message). */
const phrase = (x: World, lo = 1, hi = 3): string[] => Array.from({ length: int(x.r, lo, hi) }, x.w);

type Style = (x: World) => Template[];

const batch: Style = (x) => {
  const { r } = x;
  const hosts = x.pool(5, 20, () => `${word(r, 2)}-${int(r, 1, 40)}`);
  const states = x.pool(4, 7, () => up(word(r, 2)));
  const idPrefix = word(r, 2);
  const attempt = (q: Rng) => `${idPrefix}_${1_445_000_000_000 + int(q, 0, 999_999)}_${String(int(q, 1, 99)).padStart(4, '0')}_${pick(q, ['m', 'r'])}_${String(int(q, 0, 999)).padStart(6, '0')}_${int(q, 0, 3)}`;
  const block = `${word(r, 2)}_`;
  const keys = phrase(x, 2, 4).map(up);
  const make = (): Template => {
    const u = r();
    if (u < 0.3) {
      const tuple = (q: Rng) => `(${keys.map((k) => `${k} ${num(q)}`).slice(0, 2).join(', ')}, ${pick(q, hosts)}, ${x.vocab[0]} ${int(q, 1, 64)}, ${num(q)} bytes)`;
      return { parts: [...phrase(x, 1, 2), (q) => `${int(q, 0, 99)}.0`, ...phrase(x, 1, 2), (q) => `${int(q, 0, 99)}.0`, tuple] };
    }
    if (u < 0.55) return { parts: [cap(x.w()), (q) => `${block}${int(q, 0, 9999)}`, ...phrase(x, 2, 4), (q) => `(${x.vocab[1]} ${x.vocab[2]} ${size(q)},`, x.w(), (q) => `${size(q)})`] };
    if (u < 0.8) return { parts: [...phrase(x, 1, 2), attempt, ...phrase(x, 1, 2), x.vocab[3], (q) => pick(q, states), x.vocab[4], (q) => pick(q, states)] };
    return { parts: [...phrase(x, 2, 3), attempt, x.w(), (q) => pick(q, hosts) + ':' + int(q, 1024, 65535)] };
  };
  return Array.from({ length: 12 }, make);
};

const keyValue: Style = (x) => {
  const { r } = x;
  const names = x.pool(20, 60, () => word(r));
  const reasons = x.pool(10, 30, () => word(r));
  const values: Slot[] = [num, (q) => pick(q, names), (q) => `'${pick(q, names)}'`, (q) => `"${Array.from({ length: int(q, 1, 4) }, () => pick(q, reasons)).join(' ')}"`, (q) => pick(q, ['true', 'false']), (q) => `${int(q, 0, 999)}ms`];
  const out: Template[] = [];
  for (let i = 0; i < 5; i++) {
    const head = phrase(x, 1, 3);
    const keys = [...new Set(Array.from({ length: int(r, 3, 6) }, x.w))].map((k) => ({ k, v: pick(r, values) }));
    out.push({ parts: [...head, ...keys.map(({ k, v }) => (q: Rng) => `${k}=${v(q)}`)] });
    // A sibling with the same words and one key more or one fewer: another event.
    if (r() < 0.6) {
      const sib = r() < 0.5 && keys.length > 3 ? keys.slice(0, -1) : [...keys, { k: x.w() + 'x', v: pick(r, values) }];
      out.push({ parts: [...head, ...sib.map(({ k, v }) => (q: Rng) => `${k}=${v(q)}`)] });
    }
  }
  return out;
};

const lists: Style = (x) => {
  const { r } = x;
  const items = x.pool(15, 50, () => word(r));
  const hosts = x.pool(3, 10, () => `${word(r, 1)}-${int(r, 1, 9)}`);
  const n = (q: Rng) => int(q, 1, 5);
  const shapes: Slot[] = [
    (q) => `[${Array.from({ length: n(q) }, () => pick(q, items)).join(', ')}]`,
    (q) => Array.from({ length: n(q) }, () => pick(q, items)).join(','),
    (q) => `{${Array.from({ length: n(q) }, () => `${pick(q, items)}=${num(q)}`).join(', ')}}`,
    (q) => `${x.vocab[5]}=[${Array.from({ length: n(q) }, () => `${pick(q, hosts)}:${pick(q, ['9092', '2181', '7000'])}`).join(',')}]`,
  ];
  return Array.from({ length: 10 }, () => ({ parts: [...phrase(x, 1, 3), pick(r, shapes), ...phrase(x, 0, 2), ...(r() < 0.4 ? [x.w(), num] : [])] }));
};

const quoting: Style = (x) => {
  const { r } = x;
  const names = x.pool(10, 40, () => word(r));
  const reasons = x.pool(15, 40, () => word(r));
  const shapes: Slot[] = [(q) => `'${pick(q, names)}'`, (q) => `"${Array.from({ length: int(q, 1, 5) }, () => pick(q, reasons)).join(' ')}"`, (q) => `\`${pick(q, names)}\``, (q) => `'${pick(q, names)}.${pick(q, names)}'`];
  return Array.from({ length: 10 }, () => {
    const parts: Part[] = phrase(x, 1, 2);
    for (let i = int(r, 1, 3); i > 0; i--) parts.push(pick(r, shapes), ...phrase(x, 1, 2));
    return { parts };
  });
};

const multiSlot: Style = (x) => {
  const { r } = x;
  const users = x.pool(30, 80, () => word(r));
  const hosts = x.pool(10, 30, () => `${word(r, 2)}-${int(r, 1, 99)}`);
  const tags = x.pool(10, 30, () => `#${word(r)}`);
  const glued = x.pool(3, 6, () => word(r, 1));
  const slots: Slot[] = [(q) => pick(q, users), (q) => pick(q, hosts), (q) => pick(q, tags), (q) => pick(q, glued) + num(q), (q) => `${pick(q, users)}@${pick(q, hosts)}`];
  return Array.from({ length: 10 }, () => {
    const parts: Part[] = [x.w()];
    for (let i = int(r, 3, 5); i > 0; i--) parts.push(pick(r, slots), ...phrase(x, 1, 2));
    return { parts };
  });
};

const requests: Style = (x) => {
  const { r } = x;
  const agents = x.pool(3, 8, () => `"${cap(word(r))}/${int(r, 1, 9)}.${int(r, 0, 9)} (${Array.from({ length: int(r, 1, 4) }, () => cap(word(r))).join('; ')})"`);
  const ids: Slot[] = [num, (q) => hex(q, 12), (q) => `${word(q, 1)}-${word(q, 1)}-${num(q)}`];
  const root = x.w();
  const out: Template[] = [];
  for (let i = 0; i < 7; i++) {
    const segs: Part[] = [root, `v${int(r, 1, 3)}`];
    for (let j = int(r, 1, 3); j > 0; j--) segs.push(x.w(), ...(r() < 0.7 ? [pick(r, ids)] : []));
    const method = pick(r, ['GET', 'POST', 'PUT', 'DELETE']);
    const quoted = r() < 0.5;
    const line = (route: Part[]): Template => {
      const path: Slot = (q) => '/' + route.map((s) => (typeof s === 'string' ? s : s(q))).join('/') + (q() < 0.4 ? `?${x.vocab[6]}=${int(q, 1, 50)}` : '');
      const status: Slot = (q) => pick(q, ['200', '201', '204', '304']);
      return { parts: quoted ? [(q) => `"${method} ${path(q)} HTTP/1.1"`, status, num, (q) => pick(q, agents)] : [method, path, 'HTTP/1.1', status, num] };
    };
    out.push(line(segs));
    // A sibling route, one constant segment (not the root) swapped: another event.
    if (r() < 0.4) {
      const at = segs.map((s, j) => (j > 1 && typeof s === 'string' ? j : -1)).filter((j) => j > 0);
      const sib = [...segs];
      sib[pick(r, at)] = x.w() + 'x';
      out.push(line(sib));
    }
  }
  return out;
};

const kernel: Style = (x) => {
  const { r } = x;
  const devs = x.pool(3, 8, () => pick(r, [`sd${'abcdef'[int(r, 0, 5)]}${int(r, 1, 4)}`, `nvme${int(r, 0, 2)}n1p${int(r, 1, 4)}`, `dm-${int(r, 0, 9)}`]));
  const procs = x.pool(5, 15, () => word(r));
  const shapes: (() => Part[])[] = [
    () => [`${x.w()}:`, (q) => `${int(q, 0, 9)}:0:${int(q, 0, 3)}:0:`, (q) => `[${pick(q, devs)}]`, num, ...phrase(x, 1, 3)],
    () => [(q) => `${x.vocab[7]}${int(q, 1, 8)}.00:`, ...phrase(x, 1, 2), ...['Emask', 'SAct', 'SErr'].flatMap((k) => [k, (q: Rng) => `0x${hex(q, int(q, 1, 4)).replace(/^0+(?=.)/, '')}`]), x.w(), x.w()],
    () => [`${up(x.w())}-fs`, (q) => `(${pick(q, devs)}):`, ...phrase(x, 2, 5)],
    () => [...phrase(x, 1, 3), num, (q) => `(${pick(q, procs)})`, (q) => `${x.vocab[8]}-vm:${num(q)}kB,`, (q) => `${x.vocab[9]}-rss:${num(q)}kB`],
    () => [...phrase(x, 2, 4), x.w(), (q) => `${pick(q, devs)}.`],
  ];
  return Array.from({ length: 10 }, () => ({ parts: pick(r, shapes)() }));
};

const desktop: Style = (x) => {
  const { r } = x;
  const vendor = word(r, 2);
  const dirs = x.pool(3, 8, () => word(r));
  const bundles = x.pool(4, 12, () => `com.${vendor}.${word(r)}`);
  const shapes: (() => Part[])[] = [
    () => [...phrase(x, 2, 3), (q) => `v${int(q, 6, 10)}.${int(q, 0, 3)}.${int(q, 7000, 9999)}.${int(q, 16000, 24000)}`, x.w(), `${cap(x.w())}:`, (q) => `C:\\${cap(vendor)}\\${pick(q, dirs)}\\${word(q)}_${hex(q, 16)}\\${x.vocab[10]}.dll`],
    () => [`${cap(x.w())}:`, (q) => `${int(q, 10_000_000, 99_999_999)}_${int(q, 1_000_000_000, 3_999_999_999)}`, ...phrase(x, 2, 3), cap(x.w()) + cap(x.w()) + '.'],
    () => [...phrase(x, 1, 3), guid, x.w(), 'HRESULT', '=', (q) => `0x${pick(q, ['80004005', '800f081f', '00000000', '80070002'])}`],
    () => [(q) => `${pick(q, bundles)}[1]`, (q) => `(${pick(q, bundles)}.${int(q, 100, 99_999)}[${int(q, 2, 65_535)}]):`, ...phrase(x, 1, 3), `${x.w()}:`, num],
    () => [`${up(x.w())}:`, (q) => `${int(q, 1, 900_000)}.${String(int(q, 0, 999_999)).padStart(6, '0')}:`, ...phrase(x, 2, 3), (q) => `${x.vocab[11]}${int(q, 0, 2)}.`, cap(x.w()), num, `(${cap(x.w())} ${x.w()} ${x.w()})`],
  ];
  return Array.from({ length: 10 }, () => ({ parts: pick(r, shapes)() }));
};

export const STYLES: Record<string, Style> = { batch, keyValue, lists, quoting, multiSlot, requests, kernel, desktop };

/** A near-twin: one lowercase constant word (not the first part) swapped for another (another event). */
function twin(r: Rng, t: Template): Template | undefined {
  const at = t.parts.map((p, i) => (i > 0 && typeof p === 'string' && /^[a-z]+$/.test(p) ? i : -1)).filter((i) => i > 0);
  if (at.length === 0) return undefined;
  const parts = [...t.parts];
  parts[pick(r, at)] = word(r, 2) + 'x';
  return { parts, style: t.style };
}

/** One system from a seed (deterministic): three styles, their templates, near-twins. */
export function styleSystem(seed: number, lines = 2_000): StyleSystem {
  const r = seededRng(0x57e1 + seed * 15_485_863);
  const x = world(r);
  const names = Object.keys(STYLES).sort(() => r() - 0.5).slice(0, 3);
  const offered: Template[] = names.flatMap((n) => STYLES[n](x).map((t) => ({ ...t, style: n })));
  const target = int(r, 25, 45);
  const templates = withTwins(r, Math.min(target, offered.length), () => offered.splice(Math.floor(r() * offered.length), 1)[0], (t) => twin(r, t));
  const templateOf = zipfPicker(r, templates.length, 0.8);
  const out: string[] = [];
  const events: string[] = [];
  const eventStyle: Record<string, string> = {};
  templates.forEach((t, ti) => (eventStyle[`E${ti}`] = t.style ?? ''));
  for (let i = 0; i < lines; i++) {
    const ti = templateOf(i);
    out.push(templates[ti].parts.map((p) => (typeof p === 'string' ? p : p(r))).join(' '));
    events.push(`E${ti}`);
  }
  shuffleTogether(r, out, events);
  return { name: `styles-${seed}-${names.join('+')}`, lines: out, events, templates: new Set(events).size, eventStyle };
}
