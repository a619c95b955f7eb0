/**
 * The line-at-a-time path behind `warroom logs cluster`: parse (format string, JSON, logfmt or
 * text), join stack-trace continuations to their record, mask, cluster. Pure: lines in,
 * cluster ids out; the command does the reading and the CSV.
 */
import { TemplateClusterer, WILDCARD, type AddResult } from './cluster.js';
import { compileLogFormat, type LogFormat } from './format.js';
import { createMasker, type Masker, type MaskerOptions } from './masking.js';
import { ContinuationDetector } from './multiline.js';
import { DEFAULT_MAX_LINE_LENGTH, createLineParser, truncateLine, type LineFormat } from './parse.js';
import { normalizeLevel } from './stats.js';
import type { LogRecord } from './structured.js';

/** Options for {@link LineClusterer}. */
export interface LineClustererOptions {
  /** `auto` (default), `json`, `logfmt`, `text`, or a `<Field>` format string. */
  format?: LineFormat;
  /** Lines longer than this are cut with a mark (default 32 Ki code units). */
  maxLineLength?: number;
  /** Join stack-trace lines to the record before them (default true). */
  joinContinuations?: boolean;
  masking?: MaskerOptions;
  cluster?: ConstructorParameters<typeof TemplateClusterer>[0];
  /** Start from a clusterer restored from a snapshot. */
  clusterer?: TemplateClusterer;
}

const MASK_OR_WILDCARD = /<:[A-Z0-9_]+:>|<\*>/g;

/** A template in the Loghub form: every mask and wildcard written `<*>`. */
export function loghubTemplate(tokens: readonly string[]): string {
  const s = tokens.join(' ');
  return s.includes('<') ? s.replace(MASK_OR_WILDCARD, WILDCARD) : s;
}

/** Clusters lines one at a time and remembers the templates of any it had to evict. */
export class LineClusterer {
  readonly clusterer: TemplateClusterer;
  readonly masker: Masker;
  private readonly fmt: LogFormat | undefined;
  private readonly parseOther: ((line: string) => LogRecord) | undefined;
  private readonly maxLineLength: number;
  private readonly join: boolean;
  private readonly detector = new ContinuationDetector();
  private readonly evicted = new Map<number, string>();
  private lastId = 0;

  constructor(opts: LineClustererOptions = {}) {
    const format = opts.format ?? 'auto';
    this.maxLineLength = opts.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    this.fmt = format === 'auto' || format === 'json' || format === 'logfmt' || format === 'text' ? undefined : compileLogFormat(format);
    this.parseOther = this.fmt ? undefined : createLineParser(format, this.maxLineLength);
    this.join = opts.joinContinuations ?? true;
    this.masker = createMasker(opts.masking);
    this.clusterer = opts.clusterer ?? new TemplateClusterer(opts.cluster);
  }

  /** Clusters one line (without its line terminator); returns its cluster id (see `resolve`). */
  push(input: string): number {
    const line = input.length > this.maxLineLength ? truncateLine(input, this.maxLineLength).line : input;
    let r: AddResult;
    if (this.fmt) {
      const ex = this.fmt.extract(line);
      if (ex) {
        this.detector.reset();
        r = this.clusterer.add(this.masker.tokens(ex.content), { level: this.level(ex.level) });
      } else if (this.join && this.lastId !== 0 && this.detector.push(line)) {
        return this.lastId;
      } else {
        r = this.clusterer.add(this.masker.tokens(line), { raw: true });
      }
    } else {
      if (this.join && this.lastId !== 0 && this.detector.push(line)) return this.lastId;
      const rec = this.parseOther!(line);
      r = this.clusterer.add(this.masker.tokens(rec.message), { level: rec.level, raw: rec.raw });
    }
    if (r.evicted) for (const c of r.evicted) this.evicted.set(c.id, loghubTemplate(c.tokens));
    this.lastId = r.clusterId;
    return r.clusterId;
  }

  private readonly levels = new Map<string, string | undefined>();
  private level(raw: string | undefined): string | undefined {
    if (raw === undefined) return undefined;
    let l = this.levels.get(raw);
    if (l === undefined && !this.levels.has(raw)) {
      l = normalizeLevel(raw);
      // Bounded: a format whose "level" field is really free text must not grow this forever.
      if (this.levels.size < 1_000) this.levels.set(raw, l);
    }
    return l;
  }

  /** The id a line's cluster has now (merges fold ids together). */
  resolve(id: number): number {
    return this.clusterer.resolve(id);
  }

  /** The Loghub-form template of a cluster id, including evicted ones. */
  templateText(id: number): string {
    const t = this.clusterer.get(id);
    return t ? loghubTemplate(t.tokens) : (this.evicted.get(this.resolve(id)) ?? this.evicted.get(id) ?? '');
  }
}
