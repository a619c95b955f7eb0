/**
 * How alike two incidents are, from what their stored rows name: the services involved, the log
 * templates cited as evidence, and the kinds of change (deploy, flag, config…) that preceded them.
 * Pure: stored incident, evidence and hypothesis rows in, a score in [0, 1] and what is shared out.
 *
 *   score = Σ_facet W_facet · J_facet,   J = Σ_x min(a_x, b_x) / Σ_x max(a_x, b_x)
 *
 * J is the weighted (Ruzicka) Jaccard index of one facet's element weights; a facet empty on both
 * sides contributes 0 (nothing known is not "alike"), so an incident that shares only its service
 * scores at most W.services.
 */

/** The facet weights (they sum to 1) and the weight of an incident's own service among the services. */
export const SIMILARITY_WEIGHTS = {
  /**
   * The same component failing again is the strongest sign of a recurring problem, and the facet
   * every incident has (its own service), so it carries half the score.
   */
  services: 0.5,
  /**
   * The same log template is the same failure mode, specific even across services; it is present
   * only when an analysis stored log evidence, so it weighs less than services.
   */
  templates: 0.3,
  /** A change kind is coarse (deploys precede many incidents): it tips ties, no more. */
  changeKinds: 0.2,
  /** The incident's own service counts twice a service its evidence or hypotheses merely name. */
  ownService: 2,
} as const;

/** What one incident names, per facet: element → weight. */
export interface IncidentFingerprint {
  services: Record<string, number>;
  templates: Record<string, number>;
  changeKinds: Record<string, number>;
}

export interface Similarity {
  /** In [0, 1], rounded to 4 decimals. */
  score: number;
  /** What both incidents name, sorted. */
  shared: { services: string[]; templates: string[]; changeKinds: string[] };
}

/** The rows a fingerprint reads (core's Incident, Evidence and Hypothesis fit). */
export interface FingerprintInput {
  incident: { service: string };
  evidence: readonly { kind: string; summary: string; data: Readonly<Record<string, unknown>> }[];
  hypotheses: readonly { service: string | null }[];
}

const CHANGE_KIND_WORD = /^(deploy|flag|config)\b/i;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const norm = (s: string) => s.toLowerCase();
/** Templates compare on their text with whitespace collapsed (ids differ between clusterers). */
const normTemplate = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The facets of one incident: services (its own, its hypotheses', and those its evidence data
 * names), the log templates its log evidence cites, and the kinds of its change evidence (the
 * stored `kind`, else the summary's first word when that is deploy/flag/config).
 */
export function incidentFingerprint(r: FingerprintInput): IncidentFingerprint {
  const services: Record<string, number> = {};
  const templates: Record<string, number> = {};
  const changeKinds: Record<string, number> = {};
  const addService = (s: string | null, w: number) => {
    if (s) services[norm(s)] = Math.max(services[norm(s)] ?? 0, w);
  };
  addService(r.incident.service, SIMILARITY_WEIGHTS.ownService);
  for (const h of r.hypotheses) addService(str(h.service), 1);
  for (const e of r.evidence) {
    addService(str(e.data.service), 1);
    if (e.kind === 'log_cluster') {
      const t = str(e.data.template);
      if (t) templates[normTemplate(t)] = 1;
    } else if (e.kind === 'change') {
      const k = str(e.data.kind) ?? CHANGE_KIND_WORD.exec(e.summary)?.[1] ?? null;
      if (k) changeKinds[norm(k)] = 1;
    }
  }
  return { services, templates, changeKinds };
}

/** Weighted Jaccard of two element → weight maps, and the elements both have. */
function jaccard(a: Record<string, number>, b: Record<string, number>): { j: number; shared: string[] } {
  let min = 0;
  let max = 0;
  const shared: string[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[k] ?? 0;
    const y = b[k] ?? 0;
    min += Math.min(x, y);
    max += Math.max(x, y);
    if (x > 0 && y > 0) shared.push(k);
  }
  return { j: max === 0 ? 0 : min / max, shared: shared.sort() };
}

/**
 * How alike two fingerprints are (symmetric).
 * @example similarity(fp({service:'checkout'}), fp({service:'checkout'})).score // 0.5: the same service, nothing else known
 */
export function similarity(a: IncidentFingerprint, b: IncidentFingerprint): Similarity {
  const W = SIMILARITY_WEIGHTS;
  const s = jaccard(a.services, b.services);
  const t = jaccard(a.templates, b.templates);
  const c = jaccard(a.changeKinds, b.changeKinds);
  const score = W.services * s.j + W.templates * t.j + W.changeKinds * c.j;
  return { score: Math.round(score * 10_000) / 10_000, shared: { services: s.shared, templates: t.shared, changeKinds: c.shared } };
}
