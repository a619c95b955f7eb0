/**
 * Held-out log systems in the styles of infrastructure services none of the other generators
 * (synth.ts, shapes.ts, ops.ts, styles.ts) imitate: a SQL database server, a message broker, a
 * CI/build runner, an SSH daemon with PAM, cloud audit records and a runtime's GC/allocator. Written
 * from general knowledge of what such services log (not from any Loghub file), committed before
 * the clusterer or Drain was scored on them, and kept as a final check that nothing is tuned on.
 * Made-up words (random syllables) stand for the constant text, so no memorised phrase helps.
 * Each seed mixes three of the six styles: 25–45 events, 2,000 lines, Zipf-like frequencies.
 *
 * Labelling follows Loghub's convention: numbers, ids, addresses, paths, users, quoted names and
 * durations are parameters; the constant words (and, for audit records, the action name and the
 * key set) name the event.
 *  - database: a severity head (`LOG:`, `ERROR:`…), `duration: 12.345 ms`, quoted relation names
 *    (`"kopa.public.tiru"`), counters with percentages (`wrote 123 buffers (0.8%);`),
 *    `key=value` runs separated by `;` or `,`, `at character 15`;
 *  - broker: a bracketed context (`[Kopa partition=tiru-3, dir=/var/lib/kopa]`,
 *    `[Vemu id=2]`), topic-partitions (`orders-12`), offsets, member ids with a uuid tail, a
 *    Java class name in parentheses at the end;
 *  - CI/build: step counters (`Step 5/12 :`, `[3/9]`), artefact names with versions
 *    (`kopa-1.2.3.tgz`), sizes (`123 kB`), elapsed times (`in 1.23s`), pass/fail counts, commit
 *    shas;
 *  - SSH/PAM: `sshd[1234]:` heads, `for <user> from <ip> port <port> ssh2`, key fingerprints
 *    (`SHA256:<base64>`), `session(uid=1000)`, an optional `[preauth]` that belongs to the event;
 *  - cloud audit: `action=<Name>` constant per event, principals as ARN-like paths
 *    (`arn:kopa:iam::123456789012:user/bob`), request ids (uuid), source addresses, regions, a
 *    key set fixed per event;
 *  - runtime GC: `GC(123)`, `24M->3M(256M)`, `2.345ms`, a pause cause in parentheses, thread
 *    counts.
 * A quarter of the events have a near-twin differing in one constant word (another event), so
 * over-merging costs. Pure: a seed in, lines out.
 */
import { seededRng, type Rng } from '../../core/rng.js';
import { hex, int, num, pick, shuffleTogether, withTwins, word, type GeneratedSystem, type Slot } from './gen-parts.js';
import { zipfPicker } from './zipf.js';

/** A constant (may hold punctuation) or a slot (may render several tokens); parts are joined by a space. */
type Part = string | Slot;
interface Template {
  parts: Part[];
}

const cap = (w: string): string => w[0].toUpperCase() + w.slice(1);
const up = (w: string): string => w.toUpperCase();
const ip = (q: Rng): string => `${int(q, 10, 192)}.${int(q, 0, 255)}.${int(q, 0, 255)}.${int(q, 1, 254)}`;
const uuid = (q: Rng): string => `${hex(q, 8)}-${hex(q, 4)}-${hex(q, 4)}-${hex(q, 4)}-${hex(q, 12)}`;
const secs = (q: Rng): string => (q() * 40).toFixed(3);
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const b64 = (q: Rng, n: number): string => Array.from({ length: n }, () => B64[Math.floor(q() * 64)]).join('');

interface World {
  r: Rng;
  w: () => string;
  pool: (lo: number, hi: number, make: () => string) => string[];
}

function world(r: Rng): World {
  const vocab = [...new Set(Array.from({ length: 220 }, () => word(r)))];
  const pool = (lo: number, hi: number, make: () => string) => [...new Set(Array.from({ length: int(r, lo, hi) }, make))];
  return { r, w: () => pick(r, vocab), pool };
}

const phrase = (x: World, lo = 1, hi = 3): string[] => Array.from({ length: int(x.r, lo, hi) }, x.w);

type Style = (x: World) => Template[];

const database: Style = (x) => {
  const { r } = x;
  const db = word(r, 2);
  const rels = x.pool(8, 30, () => word(r));
  const users = x.pool(5, 20, () => word(r));
  const rel = (q: Rng) => `"${db}.${pick(q, ['public', word(r, 1)])}.${pick(q, rels)}"`;
  const make = (): Template => {
    const sev = pick(r, ['LOG:', 'LOG:', 'ERROR:', 'FATAL:', 'WARNING:']);
    const u = r();
    if (u < 0.2) return { parts: [sev, `${x.w()}:`, secs, 'ms', `${x.w()}:`, ...phrase(x, 1, 2), rel] };
    if (u < 0.4) {
      const counters = phrase(x, 2, 3);
      const [k1, k2] = [x.w(), x.w()];
      return { parts: [sev, ...phrase(x, 1, 2), `${x.w()}:`, ...counters.flatMap((c, i) => [num, c, ...(i === 0 ? [(q: Rng) => `(${(q() * 9).toFixed(1)}%);`] : [])]), (q) => `${k1}=${secs(q)}`, 's,', (q) => `${k2}=${secs(q)}`, 's'] };
    }
    if (u < 0.6) {
      const keys = phrase(x, 2, 4);
      return { parts: [sev, ...phrase(x, 1, 3), ...keys.map((k, i) => (q: Rng) => `${k}=${[pick(q, users), ip(q), num(q)][i % 3]}${i < keys.length - 1 ? ',' : ''}`)] };
    }
    if (u < 0.8) return { parts: [sev, ...phrase(x, 2, 4), rel, ...phrase(x, 1, 2), 'at', 'character', num] };
    return { parts: [sev, ...phrase(x, 2, 4), x.w(), (q) => `"${pick(q, users)}"`] };
  };
  return Array.from({ length: 10 }, make);
};

const broker: Style = (x) => {
  const { r } = x;
  const topics = x.pool(5, 20, () => word(r));
  const groups = x.pool(3, 10, () => `${word(r)}-${word(r, 1)}`);
  const pkg = `${word(r, 2)}.${word(r, 2)}`;
  const cls = () => `(${pkg}.${cap(x.w())}${cap(x.w())})`;
  const ctxName = cap(x.w());
  const make = (): Template => {
    const u = r();
    const tail = cls();
    const [k, d, c] = [x.w(), x.w(), cap(x.w())];
    if (u < 0.3) return { parts: [`[${ctxName}`, (q) => `${k}=${pick(q, topics)}-${int(q, 0, 47)},`, (q) => `dir=/var/lib/${d}/${int(q, 0, 3)}]`, ...phrase(x, 2, 4), num, 'in', num, 'ms.', tail] };
    if (u < 0.55) return { parts: [`[${c}`, (q) => `id=${int(q, 0, 9)}]`, ...phrase(x, 2, 4), (q) => `${pick(q, topics)}-${int(q, 0, 47)}`, ...phrase(x, 1, 2), tail] };
    if (u < 0.8) return { parts: [`[${c}Coordinator`, (q) => `${int(q, 0, 9)}]:`, cap(x.w()), (q) => `${word(q, 1)}-${int(q, 1, 9)}-${uuid(q)}`, 'in', x.w(), (q) => pick(q, groups), ...phrase(x, 2, 4), tail] };
    return { parts: [...phrase(x, 2, 3), (q) => `[${Array.from({ length: int(q, 1, 4) }, () => `${pick(q, topics)}-${int(q, 0, 47)}`).join(',')}]`, ...phrase(x, 1, 2), tail] };
  };
  return Array.from({ length: 10 }, make);
};

const build: Style = (x) => {
  const { r } = x;
  const mods = x.pool(5, 20, () => word(r));
  const ver = (q: Rng) => `${int(q, 0, 9)}.${int(q, 0, 30)}.${int(q, 0, 99)}`;
  const make = (): Template => {
    const u = r();
    if (u < 0.2) return { parts: ['Step', (q) => { const n = int(q, 1, 20); return `${int(q, 1, n)}/${n}`; }, ':', up(x.w()), ...phrase(x, 1, 3)] };
    if (u < 0.4) return { parts: [`[${up(x.w())}]`, cap(x.w()), (q) => `${pick(q, mods)}-${ver(q)}.tgz`, (q) => `(${num(q)} kB)`] };
    if (u < 0.6) return { parts: [cap(x.w()), ...phrase(x, 0, 2), (q) => `${pick(q, mods)}.${cap(pick(q, mods))}`, up(x.w()), 'in', (q) => `${(q() * 30).toFixed(2)}s`] };
    const unit = x.w();
    if (u < 0.8) return { parts: [`${cap(x.w())}:`, num, `${x.w()},`, num, `${x.w()},`, num, x.w(), (q) => `(${num(q)}`, `${unit})`] };
    return { parts: [...phrase(x, 1, 3), (q) => hex(q, 40), ...phrase(x, 1, 2), (q) => `${pick(q, mods)}/${pick(q, mods)}`] };
  };
  return Array.from({ length: 10 }, make);
};
const auth: Style = (x) => {
  const { r } = x;
  const users = x.pool(10, 60, () => word(r));
  const daemon = word(r, 2);
  const head: Slot = (q) => `${daemon}[${int(q, 300, 65_000)}]:`;
  const make = (): Template => {
    const u = r();
    const preauth = r() < 0.3 ? ['[preauth]'] : [];
    if (u < 0.3) return { parts: [head, cap(x.w()), x.w(), 'for', (q) => pick(q, users), 'from', ip, 'port', (q) => String(int(q, 1024, 65_535)), 'ssh2', ...preauth] };
    if (u < 0.5) return { parts: [head, cap(x.w()), x.w(), 'for', (q) => pick(q, users), 'from', ip, 'port', (q) => String(int(q, 1024, 65_535)), 'ssh2:', up(x.w()), (q) => `SHA256:${b64(q, 43)}`] };
    if (u < 0.75) return { parts: [head, `pam_${x.w()}(${daemon}:${x.w()}):`, ...phrase(x, 2, 3), 'for', x.w(), (q) => `${pick(q, users)}(uid=${int(q, 0, 60_000)})`, 'by', (q) => `(uid=${int(q, 0, 1)})`] };
    return { parts: [head, cap(x.w()), ...phrase(x, 1, 3), ip, 'port', (q) => `${int(q, 1024, 65_535)}:${int(q, 2, 14)}:`, cap(x.w()), ...preauth] };
  };
  return Array.from({ length: 10 }, make);
};

const audit: Style = (x) => {
  const { r } = x;
  const users = x.pool(5, 30, () => word(r));
  const regions = x.pool(2, 6, () => `${word(r, 1)}-${word(r, 2)}-${int(r, 1, 3)}`);
  const svc = word(r, 2);
  const valueKinds: Slot[] = [(q) => `arn:${svc}:iam::${String(int(q, 1e11, 9e11))}:user/${pick(q, users)}`, uuid, ip, (q) => pick(q, regions), (q) => pick(q, ['true', 'false']), num];
  const out: Template[] = [];
  const keyPool = [...new Set(Array.from({ length: 8 }, () => x.w()))];
  for (let i = 0; i < 10; i++) {
    const action = cap(x.w()) + cap(x.w());
    const keys = keyPool.filter(() => r() < 0.5).slice(0, 5).map((k) => ({ k, v: pick(r, valueKinds) }));
    out.push({ parts: [`${svc}:`, `action=${action}`, ...keys.map(({ k, v }) => (q: Rng) => `${k}=${v(q)}`)] });
  }
  return out;
};

const runtime: Style = (x) => {
  const { r } = x;
  const causes = x.pool(2, 5, () => `(${cap(word(r))} ${cap(word(r))})`);
  const mem = (q: Rng) => { const cap2 = int(q, 64, 4096); const a = int(q, 1, cap2); return `${a}M->${int(q, 0, a)}M(${cap2}M)`; };
  const make = (): Template => {
    const u = r();
    if (u < 0.35) return { parts: [`[${x.w()}]`, (q) => `GC(${num(q)})`, cap(x.w()), cap(x.w()), (q) => pick(q, causes), mem, (q) => `${(q() * 90).toFixed(3)}ms`] };
    if (u < 0.6) return { parts: [`[${x.w()},${x.w()}]`, (q) => `GC(${num(q)})`, ...phrase(x, 1, 3).map(cap), (q) => `${(q() * 90).toFixed(3)}ms`] };
    if (u < 0.8) return { parts: [`[${x.w()}]`, ...phrase(x, 2, 3), (q) => `${int(q, 1, 64)}`, x.w(), (q) => `(${int(q, 1, 16)}`, `${x.w()})`] };
    return { parts: [...phrase(x, 2, 4), (q) => `0x${hex(q, 12)}`, x.w(), (q) => `${num(q)}K`] };
  };
  return Array.from({ length: 10 }, make);
};

export const INFRA_STYLES: Record<string, Style> = { database, broker, build, auth, audit, runtime };

/** A near-twin: one lowercase constant word (not the first part) swapped for another (another event). */
function twin(r: Rng, t: Template): Template | undefined {
  const at = t.parts.map((p, i) => (i > 0 && typeof p === 'string' && /^[a-z]+$/.test(p) ? i : -1)).filter((i) => i > 0);
  if (at.length === 0) return undefined;
  const parts = [...t.parts];
  parts[pick(r, at)] = word(r, 2) + 'x';
  return { parts };
}

/** One system from a seed (deterministic): three styles, their templates, near-twins. */
export function infraSystem(seed: number, lines = 2_000): GeneratedSystem {
  const r = seededRng(0x1f7a + seed * 7_919_317);
  const x = world(r);
  const names = Object.keys(INFRA_STYLES).sort(() => r() - 0.5).slice(0, 3);
  const offered = names.flatMap((n) => INFRA_STYLES[n](x));
  const target = int(r, 25, 45);
  const templates = withTwins(r, Math.min(target, offered.length), () => offered.splice(Math.floor(r() * offered.length), 1)[0], (t) => twin(r, t));
  const templateOf = zipfPicker(r, templates.length, 0.8);
  const out: string[] = [];
  const events: string[] = [];
  for (let i = 0; i < lines; i++) {
    const ti = templateOf(i);
    out.push(templates[ti].parts.map((p) => (typeof p === 'string' ? p : p(r))).join(' '));
    events.push(`E${ti}`);
  }
  shuffleTogether(r, out, events);
  return { name: `infra-${seed}-${names.join('+')}`, lines: out, events, templates: new Set(events).size };
}
