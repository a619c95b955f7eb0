/**
 * What one detection batch did to the org's log templates, per service and mined cluster: lines
 * counted, first/last seen, level mix, up to three masked exemplars, and whether the cluster was
 * new to the miner in this batch. The engine hands these back with the batch's anomalies and the
 * pipeline upserts them (store: log_templates), so stored counts are sums of batch deltas.
 */
import { createHash } from 'node:crypto';
import type { LogTemplateUpdate } from '../../core/ports/index.js';

/** Exemplars kept per template and batch, and their longest length. */
const MAX_EXEMPLARS = 3;
const MAX_EXEMPLAR_LENGTH = 2_000;

/**
 * A template's stored id: stable per (org, service, cluster id). Cluster ids are the miner's,
 * which travel in the engine's checkpoint, so a restored engine writes to the same rows.
 */
export function logTemplateId(org: string, service: string, clusterId: number): string {
  return 'lt_' + createHash('sha256').update(`${org}\u0000${service}\u0000${clusterId}`).digest('hex').slice(0, 26);
}

interface Acc {
  service: string;
  clusterId: number;
  count: number;
  first: number;
  last: number;
  levels: Record<string, number>;
  exemplars: string[];
  novel: boolean;
}

/** Collects one batch's template activity; `take` empties it. */
export class TemplateBatch {
  private readonly acc = new Map<string, Acc>();

  add(service: string, clusterId: number, t: number, level: string, tokens: readonly string[], created: boolean): void {
    const key = `${service}\u0000${clusterId}`;
    let a = this.acc.get(key);
    if (!a) this.acc.set(key, (a = { service, clusterId, count: 0, first: t, last: t, levels: {}, exemplars: [], novel: false }));
    a.count++;
    if (t < a.first) a.first = t;
    if (t > a.last) a.last = t;
    a.levels[level] = (a.levels[level] ?? 0) + 1;
    if (created) a.novel = true;
    if (a.exemplars.length < MAX_EXEMPLARS) {
      const ex = tokens.join(' ').slice(0, MAX_EXEMPLAR_LENGTH);
      if (!a.exemplars.includes(ex)) a.exemplars.push(ex);
    }
  }

  /**
   * The batch's updates, then empties. `resolve` maps a cluster id to the one that absorbed it
   * (a merge during the batch folds its lines into the survivor); `template` gives a cluster's
   * text (undefined once evicted: the first exemplar stands in).
   */
  take(org: string, resolve: (id: number) => number, template: (id: number) => string | undefined): LogTemplateUpdate[] {
    const merged = new Map<string, Acc>();
    for (const a of this.acc.values()) {
      const clusterId = resolve(a.clusterId);
      const key = `${a.service}\u0000${clusterId}`;
      const into = merged.get(key);
      if (!into) {
        merged.set(key, { ...a, clusterId });
        continue;
      }
      into.count += a.count;
      into.first = Math.min(into.first, a.first);
      into.last = Math.max(into.last, a.last);
      for (const [k, v] of Object.entries(a.levels)) into.levels[k] = (into.levels[k] ?? 0) + v;
      for (const e of a.exemplars) if (into.exemplars.length < MAX_EXEMPLARS && !into.exemplars.includes(e)) into.exemplars.push(e);
      into.novel ||= a.novel;
    }
    this.acc.clear();
    return [...merged.values()].map((a) => ({
      id: logTemplateId(org, a.service, a.clusterId),
      service: a.service,
      template: template(a.clusterId) ?? a.exemplars[0] ?? '',
      count: a.count,
      firstSeen: new Date(a.first).toISOString(),
      lastSeen: new Date(a.last).toISOString(),
      levels: a.levels,
      exemplars: a.exemplars,
      novel: a.novel,
    }));
  }
}
