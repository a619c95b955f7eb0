/**
 * Log lines → per-service log templates counted before and during the incident, mined with the
 * streaming miner of detectors/logs: the same line parser (JSON, logfmt or text: the message is
 * clustered, the level read from its field), the same secret and variable masking and the same
 * template clusterer (`<*>` where lines of one event differ) the ingest pipeline uses.
 *
 * Cost. A 1 h window of the 20-service sandbox holds ~120 k lines but about two thousand line
 * *shapes* (`lineShape`: the text with its hex words and runs of digits cut out — counts,
 * durations, ids, timestamps, addresses, which the masker always masks). Lines are grouped by
 * service and shape (a hash walk over the text, no string built per line); one line per shape is
 * parsed and masked, and the clusterer learns it once per line it stands for, so its frequency rule
 * (a slot nearly always holding one word is a constant) sees true line counts. Lines of one shape
 * that the masker would still mask apart (an id that happens to have no letter is `<:NUM:>`, not
 * `<:HEX:>`) are the same variable and are counted as the representative line masks.
 *
 * Deterministic and independent of the input order: a shape is represented by its earliest line
 * (ties: the smallest text), and shapes are learnt in the order of (service, first time seen,
 * representative line).
 */
import { createLineParser, createMasker, DEFAULT_VARIABLE_RULES, normalizeLevel, TemplateClusterer, type Masker } from '../detectors/logs/index.js';
import type { LogRecord } from '../detectors/logs/index.js';
import type { LogClusterInput } from './types.js';

/** One log line of a case or of the store: unix seconds, service, optional pod, the raw line. */
export interface LogRow {
  ts: number;
  service: string;
  pod?: string;
  message: string;
}

const LEVEL = /^(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|SEVERE)$/i;

/** The level written in a text line: the first level-looking token among the first five (upper case). */
export function logLevel(message: string): string | null {
  for (const t of message.trim().split(/\s+/, 5)) if (LEVEL.test(t)) return t.toUpperCase();
  return null;
}

/** FNV-1a, 32 bit, hex: a stable short id. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The variable parts a line's shape leaves out: hex words (six or more hex digits with a letter and
 * a digit, standing alone: request, trace and commit ids) and runs of digits. Both are what the
 * masker masks, so lines of one shape mask alike (but for the rare rule that counts digits, such
 * as a clock `12:30:45`, whose shape `123:30:45` also has).
 */
const VARIABLE = /(?<![A-Za-z0-9])(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{6,}(?![A-Za-z0-9])|\d+/g;
/** What a variable part becomes in a shape. */
const MARK = 1;

/** A line's shape: its text with every hex word and every run of digits replaced by one mark. */
export function lineShape(message: string): string {
  return message.replace(VARIABLE, String.fromCharCode(MARK));
}

// The shape is hashed without being built (a window holds 100k+ lines): a walk over the text's
// maximal runs of hex digits, each either one mark (a hex word) or its letters with every run of
// digits as one mark — what `lineShape` writes. Character classes come from a table.
const DIGIT = 1;
const HEX_LETTER = 2;
const OTHER_ALNUM = 4;
const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = CLASS[c + 32] = c <= 70 ? HEX_LETTER : OTHER_ALNUM;
const classOf = (c: number) => (c < 128 ? CLASS[c] : 0);

/** A 53-bit hash of a line's service and shape (two 32-bit FNV-style mixes). */
export function shapeHash(service: string, message: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < service.length; i++) {
    const c = service.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  h1 = Math.imul(h1, 0x01000193);
  h2 = Math.imul(h2 ^ 0xff, 0x5bd1e995);
  const n = message.length;
  for (let i = 0; i < n; ) {
    const c = message.charCodeAt(i);
    const k = classOf(c);
    if ((k & (DIGIT | HEX_LETTER)) === 0) {
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      i++;
      continue;
    }
    // a maximal run of hex digits [i, j)
    let j = i + 1;
    let seen = k;
    for (; j < n; j++) {
      const x = classOf(message.charCodeAt(j));
      if ((x & (DIGIT | HEX_LETTER)) === 0) break;
      seen |= x;
    }
    if (seen === (DIGIT | HEX_LETTER) && j - i >= 6 && (i === 0 || classOf(message.charCodeAt(i - 1)) === 0) && (j === n || classOf(message.charCodeAt(j)) === 0)) {
      h1 = Math.imul(h1 ^ MARK, 0x01000193);
      h2 = Math.imul(h2 ^ MARK, 0x5bd1e995);
      i = j;
      continue;
    }
    while (i < j) {
      let x = message.charCodeAt(i++);
      if (classOf(x) === DIGIT) {
        while (i < j && classOf(message.charCodeAt(i)) === DIGIT) i++;
        x = MARK;
      }
      h1 = Math.imul(h1 ^ x, 0x01000193);
      h2 = Math.imul(h2 ^ x, 0x5bd1e995);
    }
  }
  return (h1 >>> 0) * 2097152 + ((h2 ^ (h2 >>> 15)) >>> 11);
}

/**
 * Variable rules that stay off for analysis: host names, URLs and paths name the service a line is
 * about ("tls: failed to verify certificate for payments.shop.internal", "upstream:
 * http://10.0.3.7:8080/api/cart"), which is evidence about that service (rca/logs.ts). Their
 * numbers and ids are still masked, and a slot that takes many values still becomes `<*>`.
 */
export const KEPT_VARIABLES: readonly string[] = ['host', 'url', 'unix-path'];

// The masker and parser map the same text to the same output whatever they saw before (the
// masker's cache only saves work), so one pair serves every call.
let shared: { masker: Masker; parse: (line: string) => LogRecord } | undefined;
function miner(): { masker: Masker; parse: (line: string) => LogRecord } {
  shared ??= { masker: createMasker({ variableRules: DEFAULT_VARIABLE_RULES.filter((r) => !KEPT_VARIABLES.includes(r.name)) }), parse: createLineParser('auto') };
  return shared;
}

/** A line as an evidence exemplar: parsed, its secrets and variables masked as templates are, cut to 400 characters. */
export function maskedExemplar(line: string): string {
  const { masker, parse } = miner();
  return masker.mask(parse(line).message).slice(0, 400);
}

interface Shape {
  service: string;
  /** The representative line: the earliest (ties: the smallest text). */
  text: string;
  firstMs: number;
  before: number;
  during: number;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Log rows → per-service template counts before and during the incident (split at `splitMs`).
 * The exposure of each side is the span the logs themselves cover, since shippers often keep only
 * a few minutes around an incident. Lines before `fromMs` (the baseline's start) or after `toMs`
 * are ignored. Templates are kept apart by level: an error and an info line of the same words are
 * different evidence.
 */
export function clusterLogRows(rows: readonly LogRow[], splitMs: number, toMs: number, fromMs = -Infinity): LogClusterInput[] {
  // (three functions, not one: each loop is optimised on its own, with no cold code after it)
  const g = groupShapes(rows, splitMs, toMs, fromMs);
  // without log lines on both sides of the split there is nothing to compare
  if (!(g.first < splitMs && g.last >= splitMs)) return [];
  const exposure = { secondsBefore: Math.max(1, (splitMs - g.first) / 1000), secondsDuring: Math.max(1, (g.last - splitMs) / 1000) };
  return templates(learnShapes(g.shapes), exposure, g.first < splitMs);
}

/**
 * Lines grouped by a 53-bit hash of their service and shape: building and comparing the shapes
 * themselves would double the cost, and two shapes of one window sharing a hash (a chance of about
 * 2e-10 for two thousand shapes) would only be counted as one template.
 */
function groupShapes(rows: readonly LogRow[], splitMs: number, toMs: number, fromMs: number): { shapes: Shape[]; first: number; last: number } {
  const byHash = new Map<number, Shape>();
  let first = Infinity;
  let last = -Infinity;
  for (const r of rows) {
    const ms = r.ts * 1000;
    // lines outside the analysed span (a stray timestamp years off) would stretch the exposure
    if (!(ms <= toMs && ms >= fromMs)) continue;
    if (ms < first) first = ms;
    if (ms > last) last = ms;
    const h = shapeHash(r.service, r.message);
    let s = byHash.get(h);
    if (!s) byHash.set(h, (s = { service: r.service, text: r.message, firstMs: ms, before: 0, during: 0 }));
    else if (ms < s.firstMs || (ms === s.firstMs && r.message < s.text)) {
      s.text = r.message;
      s.firstMs = ms;
    }
    if (ms < splitMs) s.before++;
    else s.during++;
  }
  return { shapes: [...byHash.values()], first, last };
}

interface Learnt {
  shape: Shape;
  level: string;
  clusterer: TemplateClusterer;
  id: number;
  message: string;
}

/** Parses and masks one line per shape and has a clusterer per service and level learn it once per line. */
function learnShapes(shapes: Shape[]): Learnt[] {
  const { masker, parse } = miner();
  const ordered = shapes.sort((a, b) => cmp(a.service, b.service) || a.firstMs - b.firstMs || cmp(a.text, b.text));
  const clusterers = new Map<string, TemplateClusterer>();
  const learnt: Learnt[] = [];
  for (const shape of ordered) {
    const rec = parse(shape.text);
    const level = normalizeLevel(rec.level) ?? normalizeLevel(logLevel(rec.message) ?? logLevel(shape.text) ?? undefined) ?? '';
    const ck = `${shape.service}\u0000${level}`;
    let clusterer = clusterers.get(ck);
    // (no exemplars and no event times: only the templates and their line counts are read here)
    if (!clusterer) clusterers.set(ck, (clusterer = new TemplateClusterer({ maxExemplars: 0 })));
    const tokens = masker.tokens(rec.message);
    const meta = { raw: rec.raw, ...(level ? { level } : {}) };
    const { clusterId } = clusterer.add(tokens, meta);
    // the shape's other lines: known tokens, so each is a counter update (the clusterer's
    // frequency rule — a slot nearly always holding one word is a constant — needs line counts)
    for (let i = 1, n = shape.before + shape.during; i < n; i++) clusterer.add(tokens, meta);
    learnt.push({ shape, level, clusterer, id: clusterId, message: rec.message });
  }
  return learnt;
}

/** Shapes → their final templates (merges resolve), counts summed per service, level and template. */
function templates(learnt: readonly Learnt[], exposure: { secondsBefore: number; secondsDuring: number }, hasBefore: boolean): LogClusterInput[] {
  const { masker } = miner();
  const byTemplate = new Map<string, { c: LogClusterInput; lines: number; message: string }>();
  for (const l of learnt) {
    const template = l.clusterer.get(l.id)?.tokens.join(' ') ?? masker.tokens(l.message).join(' ');
    const key = `${l.shape.service}\u0000${l.level}\u0000${template}`;
    const lines = l.shape.before + l.shape.during;
    let t = byTemplate.get(key);
    if (!t) {
      const c: LogClusterInput = { service: l.shape.service, templateId: `t${fnv1a(key)}`, template, countsBefore: 0, countsDuring: 0, level: l.level || null, exemplar: null, ...exposure };
      byTemplate.set(key, (t = { c, lines: 0, message: l.message }));
    } else if (lines > t.lines) t.message = l.message;
    t.lines = Math.max(t.lines, lines);
    t.c.countsBefore += l.shape.before;
    t.c.countsDuring += l.shape.during;
  }
  return [...byTemplate.values()]
    .map(({ c, message }) => ({ ...c, exemplar: masker.mask(message).slice(0, 400), novel: c.countsBefore === 0 && hasBefore }))
    .sort((a, b) => cmp(a.service, b.service) || cmp(a.templateId, b.templateId));
}
