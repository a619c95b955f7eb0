/**
 * One streaming detector per series, keyed by (org, service, metric), with a cap on how many are
 * kept: memory is bounded by `maxSeries` × the per-series bound. When full, an idle series is
 * evicted by the CLOCK second-chance rule (F. J. Corbató, 1968; an O(1) approximation of least
 * recently used): a series updated since the clock hand last passed gets another round. An evicted
 * series starts a fresh warm-up if it comes back.
 */
import { SeriesDetector, type Detection, type SeriesDetectorOptions, type SeriesDetectorState } from './detector.js';

export interface SeriesKey {
  org: string;
  service: string;
  metric: string;
}

export interface RegistryOptions {
  /** Most series kept (default 100,000). */
  maxSeries?: number;
  /** Options for every new detector. */
  detector?: SeriesDetectorOptions;
}

/** Plain-JSON state of a {@link DetectorRegistry}: its series, in eviction order. */
export interface RegistryState {
  v: 1;
  series: { key: SeriesKey; state: SeriesDetectorState }[];
}

/** A {@link Detection} with the series it belongs to. */
export interface SeriesDetection extends Detection {
  key: SeriesKey;
  /** A series that had to be evicted to make room for this one, if any. */
  evicted?: SeriesKey;
}

const SEP = '\u0000';

/** One string per series, e.g. to hash for partitioning (NUL cannot appear in the names the API accepts). */
export function seriesId(k: SeriesKey): string {
  return `${k.org}${SEP}${k.service}${SEP}${k.metric}`;
}

interface Entry {
  key: SeriesKey;
  d: SeriesDetector;
  /** Updated since the clock hand last passed. */
  used: boolean;
}

export class DetectorRegistry {
  readonly maxSeries: number;
  private readonly detectorOptions: SeriesDetectorOptions;
  // Lookup by org → service → metric: no key string is built per point, and names the caller
  // reuses keep their cached hashes.
  private readonly index = new Map<string, Map<string, Map<string, Entry>>>();
  // Every entry in insertion order: its head is where the clock hand points.
  private readonly ring = new Set<Entry>();

  /** Creates an empty registry. */
  constructor(opts: RegistryOptions = {}) {
    this.maxSeries = Math.max(1, opts.maxSeries ?? 100_000);
    this.detectorOptions = opts.detector ?? {};
  }

  /** Series currently kept. */
  get size(): number {
    return this.ring.size;
  }

  /** Scores one point of a series, creating (and maybe evicting) as needed. */
  update(key: SeriesKey, ts: number, value: number): SeriesDetection {
    let e = this.find(key);
    let evicted: SeriesKey | undefined;
    if (e) e.used = true;
    else {
      if (this.ring.size >= this.maxSeries) evicted = this.evictOne();
      e = this.insert({ key: { org: key.org, service: key.service, metric: key.metric }, d: new SeriesDetector(this.detectorOptions), used: false });
    }
    const r = e.d.update(ts, value) as SeriesDetection;
    r.key = key;
    if (evicted) r.evicted = evicted;
    return r;
  }

  private find(k: SeriesKey): Entry | undefined {
    return this.index.get(k.org)?.get(k.service)?.get(k.metric);
  }

  private insert(e: Entry): Entry {
    let services = this.index.get(e.key.org);
    if (!services) this.index.set(e.key.org, (services = new Map()));
    let metrics = services.get(e.key.service);
    if (!metrics) services.set(e.key.service, (metrics = new Map()));
    metrics.set(e.key.metric, e);
    this.ring.add(e);
    return e;
  }

  private remove(e: Entry): void {
    this.ring.delete(e);
    const services = this.index.get(e.key.org)!;
    const metrics = services.get(e.key.service)!;
    metrics.delete(e.key.metric);
    if (metrics.size === 0) services.delete(e.key.service);
    if (services.size === 0) this.index.delete(e.key.org);
  }

  /** Advances the clock hand until it finds a series not used since its last pass; removes it. */
  private evictOne(): SeriesKey {
    for (;;) {
      const e = this.ring.values().next().value as Entry;
      if (!e.used) {
        this.remove(e);
        return e.key;
      }
      e.used = false;
      this.ring.delete(e);
      this.ring.add(e);
    }
  }

  /** The detector of a series, without touching its recency (undefined when not kept). */
  get(key: SeriesKey): SeriesDetector | undefined {
    return this.find(key)?.d;
  }

  /** Drops a series; true when it was kept. */
  delete(key: SeriesKey): boolean {
    const e = this.find(key);
    if (e) this.remove(e);
    return e !== undefined;
  }

  /** Every kept series, in eviction order (the next candidate first). */
  keys(): SeriesKey[] {
    return [...this.ring].map((e) => ({ ...e.key }));
  }

  /** The whole registry as plain JSON (for checkpoints). */
  toJSON(): RegistryState {
    return { v: 1, series: [...this.ring].map((e) => ({ key: { ...e.key }, state: e.d.toJSON() })) };
  }

  /** Restores a registry saved by {@link toJSON} (new options apply to series created later). */
  static fromJSON(s: RegistryState, opts: RegistryOptions = {}): DetectorRegistry {
    const r = new DetectorRegistry(opts);
    for (const { key, state } of s.series.slice(-r.maxSeries)) r.insert({ key: { ...key }, d: SeriesDetector.fromJSON(state), used: false });
    return r;
  }
}
