/**
 * Online log-template clustering. Learning (`add`) is kept apart from reading (`match`, `get`):
 * only `add` mutates, and it reports what changed so a caller persists only when needed.
 *
 * How a masked token sequence finds its template:
 * 1. an exact key (the tokens joined) seen before → that template, no other work;
 * 2. otherwise MinHash + LSH banding over position-tagged tokens yields candidate templates of
 *    the same length. One that differs from the line only in variable parts (`rhost=<:IP:>` vs
 *    `rhost=<:HOST:>`, a bare mask vs a word, `()` vs `(<:HOST:>)`) takes the line and those
 *    positions become `<*>` (or `rhost=<*>`): the id stays, the add reports `changed`;
 * 3. otherwise, if candidates that differ from the line in one plain word, bracketed tag or
 *    braced map, or token of one shape holding values (`sepe-<:NUM:>:<:NUM:>` / `heda-…`) (or
 *    up to four: a user, a host, a thread and a reason in one message), at the same positions
 *    after the first (a tag may be first: `[worker-3]` names a thread, not the event; so may a
 *    token holding a value, `com.x.y[1]`, an instance rather than a word), and
 *    nowhere else, show at least `siblingValues` distinct words in each such slot (one more per
 *    slot past the second) with none holding more than `siblingDominance` of their lines, those
 *    slots are variables: they merge into the oldest, whose id stays (the others resolve to it);
 * 4. otherwise, a template of another length that equals the line but for one short bracketed
 *    aside holding a value (`403 bytes sent` / `1190 bytes (1.16 KB) sent`) takes the line (an
 *    aside between two values is cut with the second: without it they would be one run);
 * 5. otherwise the line starts a new template.
 * Whenever a template widens (steps 2–4), templates it now covers, as they are or but for a
 * bracketed aside, fold into it: they were learned before a slot was known to vary. So do
 * templates of its length that differ from it only in variable parts, as a line would in step 2
 * (`-` / `<:HEX:>`, `<:NUM:>` / `<:HEX:>`), and it widens there; when its first token is a
 * wildcard, any template of its length may be one of them (looked up by length, not by head).
 * Letters written flush against a variable (`user123` / `admin7`, masked `user<:NUM:>` /
 * `admin<:NUM:>`) are the front of one identifier, as are letters between two values in one token
 * (`job_<:NUM:>_m_<:NUM:>`): such tokens differ softly (token-compare.ts).
 * Step 3 is an online form of Brain's rule (Yu et al., ICSE 2023) that a column with few
 * distinct values is constant and one with many is a variable, and of its use of frequency:
 * two words that differ once ("startup"/"shutdown", "SCREEN_ON"/"SCREEN_OFF") usually name
 * different events, while a slot that keeps taking new words (user names) is a parameter. The
 * first word is never a slot: it names the event (a verb, a subject, a method) far more often
 * than it carries a parameter.
 */
import type { z } from 'zod';
import { ClusterOptions, ClustererSnapshot, type AddMeta, type AddResult, type LogCluster } from './cluster-types.js';
import { features, hasConstant, headKey, shapePair, slotPair, tagPair, widened } from './cluster-slots.js';
import { LshIndex, MinHasher } from './minhash.js';
import { mergeStats, newStats, noveltyOf, observe, type Novelty } from './stats.js';
import { COVERED, EQUAL, HARD, SOFT, WILDCARD, compareToken, covers, sameValue, softFit, generalizeToken, isFragment, joinsRun, spliceFit } from './token-compare.js';

export { WILDCARD };
export { ClusterOptions, ClustererSnapshot, type AddMeta, type AddResult, type LogCluster };

interface Cluster extends LogCluster {
  bandKeys: number[];
  lastSeq: number;
  absorbed: number[];
}

const RAW_KEY = '\u0000raw\u0000';

/** Longest optional bracketed fragment, in tokens (step 4). */
const MAX_FRAGMENT = 3;
/** Templates looked at per length and first token in step 4 (bounds the work on junk). */
const MAX_HEAD_SCAN = 64;
/** Templates looked at per length when the first token is a wildcard (any head may fit). */
const MAX_LENGTH_SCAN = 512;

/**
 * tokens[p, p+cut) is an aside to cut (step 4): a bracketed fragment, or one followed by a value
 * that, without the aside between, would have counted in the value before it (`pum12 (3 KB) 7`
 * is `pum12 7` with an aside, and the masker writes `pum12 7` as one value).
 */
function cutsAside(tokens: readonly string[], p: number, cut: number): boolean {
  if (cut <= MAX_FRAGMENT && isFragment(tokens, p, cut)) return true;
  return cut > 1 && p + cut <= tokens.length && isFragment(tokens, p, cut - 1) && joinsRun(tokens, p, cut - 1);
}

/** Slots one family may vary in (step 3): a message with a user, a host, a thread and a reason is still one event. */
const MAX_SLOTS = 4;
/** Distinct values asked of a family per slot past the second. */
const EXTRA_VALUES = 1;



/** The online template clusterer over masked token sequences. */
export class TemplateClusterer {
  readonly options: ClusterOptions;
  private readonly hasher: MinHasher;
  private readonly lsh: LshIndex;
  private readonly clustersById = new Map<number, Cluster>();
  private readonly aliases = new Map<number, number>();
  private keys = new Map<string, number>();
  /** Templates by length and first token: where step 4 looks for one that differs only by a tail. */
  private readonly heads = new Map<string, number[]>();
  /**
   * Templates by length alone: where a template whose first token is a wildcard looks for what it
   * covers (any first token fits it, so the head index cannot name them).
   */
  private readonly lengths = new Map<string, Set<number>>();
  private seq = 0;
  private nextId = 1;

  constructor(options: Partial<z.input<typeof ClusterOptions>> = {}) {
    const o = ClusterOptions.safeParse(options);
    if (!o.success) throw new Error(`cluster options: ${o.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    if (o.data.hashes % o.data.bands !== 0) throw new Error(`cluster options: hashes (${o.data.hashes}) must be a multiple of bands (${o.data.bands})`);
    this.options = o.data;
    this.hasher = new MinHasher(o.data.hashes);
    this.lsh = new LshIndex(o.data.bands, o.data.hashes / o.data.bands);
  }

  /** Lines learned so far. */
  get lines(): number {
    return this.seq;
  }

  /** Templates currently held. */
  get size(): number {
    return this.clustersById.size;
  }

  /** Learns one line (masked tokens); reports created / changed / none. */
  add(tokens: readonly string[], meta: AddMeta = {}): AddResult {
    this.seq++;
    const raw = meta.raw === true;
    const key = raw ? RAW_KEY + tokens.join(' ') : tokens.join(' ');
    const ts = meta.ts ?? this.seq;
    const known = this.keys.get(key);
    if (known !== undefined) {
      const c = this.live(known);
      if (c) {
        this.touch(c, ts, meta, key);
        return { clusterId: c.id, change: 'none' };
      }
      this.keys.delete(key);
    }
    const result = this.learn(tokens, raw, ts, meta, key);
    this.remember(key, result.clusterId);
    if (this.clustersById.size > this.options.maxClusters) result.evicted = this.evict(result.clusterId);
    return result;
  }

  /** The template a line belongs to, without learning (undefined when none covers it). */
  match(tokens: readonly string[], opts: { raw?: boolean } = {}): LogCluster | undefined {
    const raw = opts.raw === true;
    const known = this.keys.get(raw ? RAW_KEY + tokens.join(' ') : tokens.join(' '));
    if (known !== undefined) {
      const c = this.live(known);
      if (c) return this.view(c);
    }
    for (const c of this.candidates(tokens, raw)) if (covers(c.tokens, tokens)) return this.view(c);
    const fit = this.headFit(tokens, raw);
    if (fit && fit[1].length === 0) return this.view(fit[0]);
    const aside = this.fragmentMatch(tokens, raw, true);
    return aside ? this.view(aside.into) : undefined;
  }

  /** The current id for `id` (merged templates resolve to the one that absorbed them). */
  resolve(id: number): number {
    let cur = id;
    for (let hops = 0; hops < 64; hops++) {
      const next = this.aliases.get(cur);
      if (next === undefined) return cur;
      cur = next;
    }
    return cur;
  }

  /** One template by id (merged ids resolve), or undefined when unknown or evicted. */
  get(id: number): LogCluster | undefined {
    const c = this.clustersById.get(this.resolve(id));
    return c ? this.view(c) : undefined;
  }

  /** The template text of `id` (tokens joined by spaces). */
  template(id: number): string | undefined {
    return this.clustersById.get(this.resolve(id))?.tokens.join(' ');
  }

  /** Every template, by id. */
  list(): LogCluster[] {
    return [...this.clustersById.values()].sort((a, b) => a.id - b.id).map((c) => this.view(c));
  }

  /** Novelty of template `id` at `now` (see stats.ts). */
  novelty(id: number, now: number): Novelty {
    const c = this.clustersById.get(this.resolve(id));
    return c ? noveltyOf(c, now, this.options.novelty) : { kind: 'none', score: 0 };
  }

  /** A plain-data snapshot: templates, statistics, aliases (the key cache is rebuilt on demand). */
  toJSON(): ClustererSnapshot {
    const clusters = [...this.clustersById.values()]
      .sort((a, b) => a.id - b.id)
      .map((c) => ({ ...this.view(c), lastSeq: c.lastSeq }));
    const live = new Set(this.clustersById.keys());
    const aliases = [...this.aliases.entries()].filter(([, to]) => live.has(this.resolve(to))) as [number, number][];
    return { version: 1, options: this.options, seq: this.seq, nextId: this.nextId, clusters, aliases };
  }

  /** Restores a snapshot made by toJSON (validated: a bad snapshot throws naming the field). */
  static fromJSON(data: unknown): TemplateClusterer {
    const s = ClustererSnapshot.safeParse(data);
    if (!s.success) throw new Error(`clusterer snapshot: ${s.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    const t = new TemplateClusterer(s.data.options);
    t.seq = s.data.seq;
    t.nextId = s.data.nextId;
    for (const c of s.data.clusters) {
      const cl: Cluster = { ...c, tokens: [...c.tokens], exemplars: [...c.exemplars], levels: { ...c.levels }, rate: { ...c.rate }, bandKeys: [], absorbed: [] };
      t.clustersById.set(cl.id, cl);
      t.index(cl);
    }
    for (const [from, to] of s.data.aliases) {
      t.aliases.set(from, to);
      t.clustersById.get(t.resolve(to))?.absorbed.push(from);
    }
    return t;
  }

  // ---- learning ------------------------------------------------------------------------------

  private learn(tokens: readonly string[], raw: boolean, ts: number, meta: AddMeta, key: string): AddResult {
    const n = tokens.length;
    let best: Cluster | undefined;
    let bestSoft: number[] = [];
    let bestEqual = -1;
    // Candidates that differ from the line in up to MAX_SLOTS plain words, by those words' positions ("3" or "3,5").
    const families = new Map<string, Cluster[]>();
    const hard: number[] = [];
    for (const c of this.candidates(tokens, raw)) {
      const t = c.tokens;
      hard.length = 0;
      let equal = 0;
      const soft: number[] = [];
      for (let i = 0; i < n; i++) {
        const d = compareToken(t[i], tokens[i]);
        if (d === EQUAL) equal++;
        else if (d === SOFT) soft.push(i);
        else if (d === HARD && hard.push(i) > MAX_SLOTS) break;
      }
      if (hard.length === 0) {
        // A template with no constant left in common would swallow anything of this length.
        if (soft.length > 0 && equal === 0 && n > 1) continue;
        if (equal > bestEqual || (equal === bestEqual && soft.length < bestSoft.length)) {
          best = c;
          bestSoft = soft;
          bestEqual = equal;
        }
      } else if (hard.length <= MAX_SLOTS && soft.every((i) => sameValue(t[i], tokens[i])) && (hard[0] > 0 || tagPair(t, tokens, 0) || shapePair(t, tokens, 0)) && hard.every((i) => slotPair(t, tokens, i))) {
        const fk = hard.join(',');
        const fam = families.get(fk);
        if (fam) fam.push(c);
        else families.set(fk, [c]);
      }
    }
    if (!best) {
      // MinHash may miss a template that widened a lot (few constants left to share): before
      // anything new is made of the line, the templates of its length and head get a look.
      const fit = this.headFit(tokens, raw);
      if (fit) [best, bestSoft] = fit;
    }
    if (best) {
      this.touch(best, ts, meta, key);
      if (bestSoft.length === 0) return { clusterId: best.id, change: 'none' };
      this.reshape(best, () => {
        for (const i of bestSoft) best.tokens[i] = generalizeToken(best.tokens[i], tokens[i]);
      });
      return this.changed(best);
    }
    const merged = this.mergeFamily(families, tokens);
    if (merged) {
      this.touch(merged.into, ts, meta, key);
      const more = this.absorbCovered(merged.into);
      return { clusterId: merged.into.id, change: 'changed', merged: [...merged.ids, ...more] };
    }
    const aside = this.fragmentMatch(tokens, raw, false);
    if (aside) {
      const { into, soft } = aside;
      this.touch(into, ts, meta, key);
      if (soft.length === 0) return { clusterId: into.id, change: 'none' };
      this.reshape(into, () => {
        for (const [ti, li] of soft) into.tokens[ti] = generalizeToken(into.tokens[ti], tokens[li]);
      });
      return this.changed(into);
    }
    const c: Cluster = { id: this.nextId++, tokens: [...tokens], raw, ...newStats(ts, this.seq - 1), bandKeys: [], lastSeq: this.seq, absorbed: [] };
    this.clustersById.set(c.id, c);
    this.index(c);
    this.touch(c, ts, meta, key);
    return { clusterId: c.id, change: 'created' };
  }

  /** The oldest template of the line's length and head that takes it as step 2 would, and where it widens. */
  private headFit(tokens: readonly string[], raw: boolean): [Cluster, number[]] | undefined {
    if (tokens.length < 2) return undefined;
    for (const c of this.byHead(tokens.length, tokens[0], raw)) {
      const soft = softFit(c.tokens, tokens);
      if (soft) return [c, soft];
    }
    return undefined;
  }

  /**
   * Step 3: merge the largest family whose slots each show at least `siblingValues` distinct
   * words with none holding more than `siblingDominance` of the lines. A family of several slots
   * ("3,5") also takes the candidates that differ in only some of them.
   */
  private mergeFamily(families: Map<string, Cluster[]>, tokens: readonly string[], self?: Cluster): { into: Cluster; ids: number[] } | undefined {
    let pick: Cluster[] | undefined;
    const { siblingValues, siblingDominance } = this.options;
    // The line's own lines: one, or a template's count when a widened template is the "line".
    const selfLines = self ? self.count : 1;
    const keyed = [...families].map(([fk, own]) => ({ slots: fk.split(',').map(Number), own }));
    for (const { slots, own } of keyed) {
      // The family of slots S also takes the candidates that differ in only some of them.
      const fam = slots.length === 1 ? own : keyed.flatMap((k) => (k.slots.every((x) => slots.includes(x)) ? k.own : []));
      // Each slot past the second asks for one value more: the more words differ at once, the
      // likelier a few lines of different events line up by chance (three error phrases of three words).
      const needed = siblingValues + Math.max(0, slots.length - 2) * EXTRA_VALUES;
      if (fam.length + 1 < needed || (pick && fam.length <= pick.length)) continue;
      const variable = slots.every((pos) => {
        const lines = new Map<string, number>([[tokens[pos], selfLines]]);
        let total = selfLines;
        for (const c of fam) {
          lines.set(c.tokens[pos], (lines.get(c.tokens[pos]) ?? 0) + c.count);
          total += c.count;
        }
        return lines.size >= needed && Math.max(...lines.values()) <= siblingDominance * total;
      });
      // A family whose members are wide elsewhere (a template widened before) would leave no
      // constant in common: that template would swallow any line of its length.
      if (variable && hasConstant(widened(fam, tokens))) pick = fam;
    }
    if (!pick) return undefined;
    const members = [...pick, ...(self ? [self] : [])].sort((a, b) => a.id - b.id);
    const into = members[0];
    const merged = widened(members, tokens);
    this.reshape(into, () => merged.forEach((t, i) => (into.tokens[i] = t)));
    for (const m of members.slice(1)) this.fold(into, m);
    return { into, ids: members.slice(1).map((m) => m.id) };
  }

  /**
   * `into` changed in place: the add's result, folding in any templates it now covers, then the
   * family it now makes with its siblings (step 3 applied to it as to a line).
   */
  private changed(into: Cluster): AddResult {
    const merged = this.absorbCovered(into);
    const fam = this.refamily(into);
    if (fam) merged.push(...fam.ids, ...this.absorbCovered(fam.into));
    const id = fam ? fam.into.id : into.id;
    return merged.length > 0 ? { clusterId: id, change: 'changed', merged } : { clusterId: id, change: 'changed' };
  }

  /**
   * Step 3 for a template that just widened: siblings that differed from it softly elsewhere
   * when they were learned (`def=<:NUM:>` / `def=kaga`) were no family then; now that it covers
   * those places they may be, and a line that one of them already covers never asks again.
   */
  private refamily(into: Cluster): { into: Cluster; ids: number[] } | undefined {
    const t = into.tokens;
    const families = new Map<string, Cluster[]>();
    for (const c of this.candidates(t, into.raw)) {
      if (c === into) continue;
      const slots: number[] = [];
      let ok = true;
      for (let i = 0; i < t.length && ok; i++) {
        // Either may be the wider: `def=kaga` under `def=<*>` is covered whichever holds it.
        const d = Math.min(compareToken(c.tokens[i], t[i]), compareToken(t[i], c.tokens[i]));
        if (d === HARD) ok = slots.push(i) <= MAX_SLOTS;
        else if (d === SOFT) ok = sameValue(c.tokens[i], t[i]);
      }
      if (!ok || slots.length === 0) continue;
      if (!((slots[0] > 0 || tagPair(c.tokens, t, 0) || shapePair(c.tokens, t, 0)) && slots.every((i) => slotPair(c.tokens, t, i)))) continue;
      const fk = slots.join(',');
      const fam = families.get(fk);
      if (fam) fam.push(c);
      else families.set(fk, [c]);
    }
    return families.size === 0 ? undefined : this.mergeFamily(families, t, into);
  }

  /**
   * After `into` generalised, templates of its length that it now covers (`li=ceca` under
   * `li=<*>`) are the same event: they were learned before the slot was known to vary, and lines
   * keyed to them would otherwise keep going there. Folding them is what `match` would already
   * conclude for their lines. Looks at LSH candidates and the same-head list (both bounded).
   */
  private absorbCovered(into: Cluster): number[] {
    const ids: number[] = [];
    const seen = new Set<number>([into.id]);
    const t = into.tokens;
    const take = (c: Cluster, fits: boolean) => {
      if (!fits) return;
      this.fold(into, c);
      ids.push(c.id);
    };
    // Each widening may bring in templates looked at before it: look again until none does
    // (at most once per position, since a position only widens).
    for (let widened = true; widened; ) {
      widened = false;
      const looked = new Set<number>();
      for (const c of [...this.candidates(t, into.raw), ...this.byHead(t.length, t[0], into.raw)]) {
        if (seen.has(c.id) || looked.has(c.id) || !this.clustersById.has(c.id)) continue;
        looked.add(c.id);
        // What differs only in variable parts (an id read as a number here and as hex there, `-`
        // for an absent value) is what step 2 would take from a line: widen it, then fold.
        const soft = softFit(t, c.tokens);
        if (!soft) continue;
        if (soft.length > 0) {
          this.reshape(into, () => soft.forEach((i) => (t[i] = generalizeToken(t[i], c.tokens[i]))));
          widened = true;
        }
        seen.add(c.id);
        take(c, true);
      }
    }
    // The same statement with or without a short bracketed aside (step 4), learned apart before
    // the rest of it widened: `into` must cover the other as it is, aside cut.
    for (let k = 1; k <= MAX_FRAGMENT + 1; k++) {
      for (const c of this.byHead(t.length + k, t[0], into.raw)) {
        if (seen.has(c.id) || !this.clustersById.has(c.id)) continue;
        for (let p = 1; p + k <= c.tokens.length; p++) {
          if (cutsAside(c.tokens, p, k) && spliceFit(t, c.tokens, p, 0, k, true)) {
            seen.add(c.id);
            take(c, true);
            break;
          }
        }
      }
      if (t.length - k < 1) continue;
      for (const c of this.byHead(t.length - k, t[0], into.raw)) {
        if (seen.has(c.id) || !this.clustersById.has(c.id)) continue;
        for (let p = 1; p + k <= t.length; p++) {
          if (cutsAside(t, p, k) && spliceFit(t, c.tokens, p, k, 0, true)) {
            seen.add(c.id);
            take(c, true);
            break;
          }
        }
      }
    }
    return ids;
  }

  /** Folds template `m` into `into`: statistics, aliases; `m` is gone. */
  private fold(into: Cluster, m: Cluster): void {
    const o = this.options;
    mergeStats(into, m, o.maxExemplars, o.novelty);
    into.lastSeq = Math.max(into.lastSeq, m.lastSeq);
    this.unindex(m);
    this.clustersById.delete(m.id);
    this.aliases.set(m.id, into.id);
    into.absorbed.push(m.id, ...m.absorbed);
  }

  /**
   * Step 4: a template that the line equals but for a short bracketed fragment holding a value
   * (`1190 bytes (1.16 KB) sent` / `403 bytes sent`, `probing hardware (bus 00)` / `probing
   * hardware`), on either side: the line may carry a fragment the template lacks, or the other
   * way round. A parenthetical is an aside by construction: the same statement with or without
   * it. The rest must match the way step 2 does (only variable parts differ; `strict`: covered
   * as they are) and keep a constant in common. An unbracketed clause (`… over 30 seconds`) or a
   * fragment without a value (`(retrying)`) is text and keeps the events apart: on the
   * development logs such clauses name distinct events.
   */
  private fragmentMatch(tokens: readonly string[], raw: boolean, strict: boolean): { into: Cluster; soft: [number, number][] } | undefined {
    const n = tokens.length;
    if (n === 0) return undefined;
    for (let k = 1; k <= MAX_FRAGMENT + 1; k++) {
      // The line holds a fragment at p that the template lacks.
      for (let p = 1; p + k <= n && n - k >= 1; p++) {
        if (!cutsAside(tokens, p, k)) continue;
        for (const c of this.byHead(n - k, tokens[0], raw)) {
          const soft = spliceFit(c.tokens, tokens, p, 0, k, strict);
          if (soft) return { into: c, soft };
        }
      }
      // The template holds a fragment the line lacks.
      for (const c of this.byHead(n + k, tokens[0], raw)) {
        for (let p = 1; p + k <= c.tokens.length; p++) {
          if (!cutsAside(c.tokens, p, k)) continue;
          const soft = spliceFit(c.tokens, tokens, p, k, 0, strict);
          if (soft) return { into: c, soft };
        }
      }
    }
    return undefined;
  }

  /**
   * Live templates of length `len` whose first token `first` may cover or be covered by: those
   * headed by `first` or by a wildcard; when `first` itself holds a wildcard, those of that length
   * whose first token it covers (oldest first, bounded).
   */
  private byHead(len: number, first: string, raw: boolean): Cluster[] {
    const out: Cluster[] = [];
    if (first.includes(WILDCARD)) {
      const ids = this.lengths.get(headKey(len, undefined, raw));
      if (!ids) return out;
      let scanned = 0;
      for (const id of ids) {
        if (++scanned > MAX_LENGTH_SCAN) break;
        const c = this.clustersById.get(id);
        if (c && compareToken(first, c.tokens[0]) <= COVERED) out.push(c);
      }
      return out.length > 1 ? out.sort((a, b) => a.id - b.id) : out;
    }
    for (const f of [first, WILDCARD]) {
      const ids = this.heads.get(headKey(len, f, raw));
      if (!ids) continue;
      for (let i = 0; i < ids.length && i < MAX_HEAD_SCAN; i++) {
        const c = this.clustersById.get(ids[i]);
        if (c) out.push(c);
      }
    }
    return out.length > 1 ? out.sort((a, b) => a.id - b.id) : out;
  }

  private candidates(tokens: readonly string[], raw: boolean): Cluster[] {
    const keys = this.lsh.bandKeys(this.hasher.signature(features(tokens, raw)));
    const out: Cluster[] = [];
    for (const id of this.lsh.query(keys)) {
      const c = this.clustersById.get(id);
      if (c && c.raw === raw && c.tokens.length === tokens.length) out.push(c);
    }
    return out.sort((a, b) => a.id - b.id);
  }

  private touch(c: Cluster, ts: number, meta: AddMeta, key: string): void {
    const o = this.options;
    let ex = meta.exemplar ?? (c.raw ? key.slice(RAW_KEY.length) : key);
    if (ex.length > o.maxExemplarLength) ex = ex.slice(0, o.maxExemplarLength);
    observe(c, ts, meta.level, ex, o.maxExemplars, o.novelty, meta.ts !== undefined);
    c.lastSeq = this.seq;
  }

  private live(id: number): Cluster | undefined {
    return this.clustersById.get(this.aliases.size === 0 ? id : this.resolve(id));
  }

  private reshape(c: Cluster, edit: () => void): void {
    this.unindex(c);
    edit();
    this.index(c);
  }

  private index(c: Cluster): void {
    c.bandKeys = this.lsh.bandKeys(this.hasher.signature(features(c.tokens, c.raw)));
    this.lsh.insert(c.id, c.bandKeys);
    const hk = headKey(c.tokens.length, c.tokens[0], c.raw);
    const list = this.heads.get(hk);
    if (list) list.push(c.id);
    else this.heads.set(hk, [c.id]);
    const lk = headKey(c.tokens.length, undefined, c.raw);
    const same = this.lengths.get(lk);
    if (same) same.add(c.id);
    else this.lengths.set(lk, new Set([c.id]));
  }

  private unindex(c: Cluster): void {
    this.lsh.remove(c.id, c.bandKeys);
    const hk = headKey(c.tokens.length, c.tokens[0], c.raw);
    const list = this.heads.get(hk);
    const i = list ? list.indexOf(c.id) : -1;
    if (i >= 0) list!.splice(i, 1);
    if (list && list.length === 0) this.heads.delete(hk);
    const lk = headKey(c.tokens.length, undefined, c.raw);
    const same = this.lengths.get(lk);
    same?.delete(c.id);
    if (same && same.size === 0) this.lengths.delete(lk);
  }

  private remember(key: string, id: number): void {
    if (this.keys.size >= this.options.maxKeys) {
      // Drop the oldest eighth in insertion order: amortised O(1), no per-hit bookkeeping.
      const drop = Math.max(1, this.keys.size >> 3);
      const next = new Map<string, number>();
      let i = 0;
      for (const [k, v] of this.keys) if (i++ >= drop) next.set(k, v);
      this.keys = next;
    }
    this.keys.set(key, id);
  }

  /** Evicts the least recently seen sixteenth (at least one), never `keep`. */
  private evict(keep: number): LogCluster[] {
    const excess = this.clustersById.size - this.options.maxClusters;
    const n = Math.max(excess, Math.ceil(this.options.maxClusters / 16));
    const victims = [...this.clustersById.values()]
      .filter((c) => c.id !== keep)
      .sort((a, b) => a.lastSeq - b.lastSeq || a.id - b.id)
      .slice(0, n);
    for (const v of victims) {
      this.unindex(v);
      this.clustersById.delete(v.id);
      for (const a of v.absorbed) this.aliases.delete(a);
    }
    return victims.map((v) => this.view(v));
  }

  private view(c: Cluster): LogCluster {
    return {
      id: c.id,
      tokens: [...c.tokens],
      raw: c.raw,
      count: c.count,
      firstSeen: c.firstSeen,
      lastSeen: c.lastSeen,
      exemplars: [...c.exemplars],
      levels: { ...c.levels },
      createdSeq: c.createdSeq,
      rate: { ...c.rate },
    };
  }
}
