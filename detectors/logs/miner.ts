/**
 * The record-level façade the ingest pipeline uses: a line or a LogRecord in, its template out.
 * Parsing, secret and variable masking, and clustering in one place; learning (`add`) apart
 * from reading (`match`, `get`, `novelty`); state out and back in as plain data.
 */
import { TemplateClusterer, type AddResult, type ClustererSnapshot, type LogCluster } from './cluster.js';
import { createMasker, type Masker, type MaskerOptions } from './masking.js';
import { createLineParser, type LineFormat } from './parse.js';
import type { Novelty } from './stats.js';
import type { LogRecord } from './structured.js';

/** Options for {@link LogTemplateMiner}. */
export interface MinerOptions {
  /** How plain string inputs are parsed (default `auto`: JSON, logfmt or text per line). */
  format?: LineFormat;
  masking?: MaskerOptions;
  cluster?: ConstructorParameters<typeof TemplateClusterer>[0];
}

/** The outcome of learning one record. */
export interface MinedRecord extends AddResult {
  /** The template the record now belongs to (tokens joined; masks such as `<:IP:>`, `<*>` where lines differ). */
  template: string;
  /** The message with secrets and variables masked (what may be stored or shown). */
  masked: string;
  /** The parsed record with every text secret-masked (variables are kept: it is the evidence). */
  record: LogRecord;
}

const MAX_STACK_EXEMPLAR = 4_000;
// Fields whose name says they hold a secret lose their value whatever it looks like.
const SECRET_FIELD = /^(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret|authorization|private[_-]?key)$/i;

/** Parses, masks and clusters log records. */
export class LogTemplateMiner {
  readonly clusterer: TemplateClusterer;
  readonly masker: Masker;
  private readonly parse: (line: string) => LogRecord;

  constructor(opts: MinerOptions = {}, clusterer?: TemplateClusterer) {
    this.masker = createMasker(opts.masking);
    this.parse = createLineParser(opts.format ?? 'auto');
    this.clusterer = clusterer ?? new TemplateClusterer(opts.cluster);
  }

  /** Restores a miner from `toJSON()` output (options other than clustering come from `opts`). */
  static fromJSON(snapshot: unknown, opts: MinerOptions = {}): LogTemplateMiner {
    return new LogTemplateMiner(opts, TemplateClusterer.fromJSON(snapshot));
  }

  /** Learns one line or record; `ts` is the event time in ms (it drives first/last seen and novelty). */
  add(input: string | LogRecord, meta: { ts?: number } = {}): MinedRecord {
    const record = this.prepare(input);
    const tokens = this.masker.tokens(record.message);
    const masked = this.masker.mask(record.message);
    const exemplar = record.stack ? `${masked}\n${this.masker.mask(record.stack).slice(0, MAX_STACK_EXEMPLAR)}` : masked;
    const r = this.clusterer.add(tokens, { ts: meta.ts, level: record.level, raw: record.raw, exemplar });
    return { ...r, template: this.clusterer.template(r.clusterId) ?? tokens.join(' '), masked, record };
  }

  /**
   * Learns one line on the streaming hot path: the template id and the parsed level only. The
   * tokens are masked (secrets included) as in `add`, and the cluster's exemplar is the masked
   * tokens; what `add` also builds for display — the masked message, the secret-masked record —
   * is skipped (a third of the cost per line).
   */
  learn(line: string, ts: number): { clusterId: number; level: string | undefined; status: number | undefined; created: boolean; tokens: readonly string[] } {
    const record = this.parse(line);
    const tokens = this.masker.tokens(record.message);
    const r = this.clusterer.add(tokens, { ts, level: record.level, raw: record.raw });
    const status = record.fields.status === undefined ? undefined : Number(record.fields.status);
    // `tokens` (masked, secrets included) are what a caller may keep as an exemplar
    return { clusterId: r.clusterId, level: record.level, status: Number.isFinite(status) ? status : undefined, created: r.change === 'created', tokens };
  }

  /** The template a line or record belongs to, without learning. */
  match(input: string | LogRecord): LogCluster | undefined {
    const record = typeof input === 'string' ? this.parse(input) : input;
    return this.clusterer.match(this.masker.tokens(record.message), { raw: record.raw });
  }

  /** One template by id (merged ids resolve). */
  get(id: number): LogCluster | undefined {
    return this.clusterer.get(id);
  }

  /** Every template. */
  list(): LogCluster[] {
    return this.clusterer.list();
  }

  /** New, or rare and suddenly frequent, at `now` (ms). */
  novelty(id: number, now: number): Novelty {
    return this.clusterer.novelty(id, now);
  }

  /** Plain-data snapshot of the learned state. */
  toJSON(): ClustererSnapshot {
    return this.clusterer.toJSON();
  }

  private prepare(input: string | LogRecord): LogRecord {
    const rec = typeof input === 'string' ? this.parse(input) : { ...input };
    // The record may be stored as it is returned: every text in it loses its secrets here.
    rec.message = this.masker.secrets(rec.message);
    rec.fields = Object.fromEntries(Object.entries(rec.fields).map(([k, v]) => [k, SECRET_FIELD.test(k) ? '<:SECRET:>' : this.masker.secrets(v)]));
    if (rec.stack) rec.stack = this.masker.secrets(rec.stack);
    if (rec.error) rec.error = this.masker.secrets(rec.error);
    if (rec.traceId) rec.traceId = this.masker.secrets(rec.traceId);
    return rec;
  }
}
