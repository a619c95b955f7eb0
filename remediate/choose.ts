/**
 * Chooses a fix from the catalog for what the analysis found: every entry is matched against the
 * evidence; the best match that can be built (its live values known, its names safe) is the plan,
 * the others are its alternatives, and the why says what decided it. Pure.
 */
import type { FixPlan, FixStep } from '../core/schemas.js';
import { UnsafeNameError } from './commands.js';
import { CATALOG, type Built, type CatalogEntry, type FixContext, type LiveService } from './catalog.js';
import { faultSignature, type FixEvidence } from './signature.js';

export interface Candidate {
  entry: string;
  action: string;
  summary: string;
  score: number;
  why: string;
  risk: FixPlan['risk'];
  blastRadius: CatalogEntry['blastRadius'];
  expect: CatalogEntry['expect'];
  lastResort: boolean;
  /** Built steps, or why the entry could not be built. */
  built: Built | { missing: string };
}

export interface FixChoice {
  chosen: Candidate & { built: Built };
  /** Other matching entries, best first (built or not). */
  alternatives: Candidate[];
  /** One paragraph: the evidence, the choice and why not the runner-up. */
  why: string;
}

function build(entry: CatalogEntry, ctx: FixContext): Built | { missing: string } {
  try {
    return entry.build(ctx);
  } catch (e) {
    if (e instanceof UnsafeNameError) return { missing: e.message };
    throw e;
  }
}

const isBuilt = (b: Built | { missing: string }): b is Built => 'steps' in b;

/** The strategy asked for (a catalog entry id or action) matches no buildable candidate: the reason, with what did match. */
export class NoPreferredFix extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoPreferredFix';
  }
}

/** The catalog entry ids and actions a `strategy` may name. */
export const STRATEGIES: readonly string[] = [...new Set(CATALOG.flatMap((e) => [e.id, e.action]))];

/**
 * The catalog's choice for the evidence. `prefer` (an entry id or action, the caller's strategy)
 * picks among the buildable candidates instead of the best score, or throws NoPreferredFix.
 */
export function chooseFix(evidence: FixEvidence, opts: { namespace: string; live: LiveService | null; catalog?: CatalogEntry[]; prefer?: string }): FixChoice {
  const ctx: FixContext = { evidence, signature: faultSignature(evidence), namespace: opts.namespace, live: opts.live };
  const candidates: Candidate[] = [];
  for (const e of opts.catalog ?? CATALOG) {
    const m = e.match(ctx);
    if (!m || m.score <= 0) continue;
    candidates.push({ entry: e.id, action: e.action, summary: e.summary, score: m.score, why: m.why, risk: e.risk, blastRadius: e.blastRadius, expect: e.expect, lastResort: e.lastResort === true, built: build(e, ctx) });
  }
  // catalogue order breaks ties: specific entries come before the generic ones
  candidates.sort((a, b) => b.score - a.score);
  const best = candidates.find((c) => isBuilt(c.built));
  if (!best) {
    const reasons = [...new Set(candidates.map((c) => (c.built as { missing: string }).missing))];
    throw new Error(`no fix can be built for "${evidence.service}": ${reasons.join('; ')}`);
  }
  const chosen = opts.prefer === undefined ? best : preferred(evidence, candidates, opts.prefer);
  const alternatives = candidates.filter((c) => c !== chosen);
  const why = explain(evidence, chosen, candidates);
  return { chosen: chosen as FixChoice['chosen'], alternatives, why: chosen === best ? why : `Chosen as asked (strategy "${opts.prefer}") over the catalog's first choice, ${best.summary.toLowerCase()}. ${why}` };
}

function preferred(e: FixEvidence, candidates: Candidate[], prefer: string): Candidate {
  const named = candidates.filter((c) => c.entry === prefer || c.action === prefer);
  const built = named.find((c) => isBuilt(c.built));
  if (built) return built;
  const offered = candidates.filter((c) => isBuilt(c.built)).map((c) => `${c.entry} (${c.action})`);
  const why = named.length ? `it cannot be built without ${(named[0].built as { missing: string }).missing}` : 'the analysis does not support it';
  throw new NoPreferredFix(`The catalog has no "${prefer}" fix for ${e.service}: ${why}. Strategies that fit this incident: ${offered.join(', ')}.`);
}

function explain(e: FixEvidence, chosen: Candidate, all: Candidate[]): string {
  const parts = [`${chosen.summary} on ${e.service}: ${chosen.why}.`];
  const better = all.filter((c) => c.score > chosen.score && !isBuilt(c.built));
  for (const b of better) parts.push(`Not "${b.summary}" although it matched better (${b.why}): it cannot be built without ${(b.built as { missing: string }).missing}.`);
  const next = all.find((c) => c !== chosen && c.score <= chosen.score && !c.lastResort);
  if (next) parts.push(`Runner-up: ${next.summary.toLowerCase()} (${next.why}).`);
  parts.push(`Expected: ${chosen.expect.signals.join(', ')} back to normal within ${chosen.expect.withinMinutes} minutes; otherwise undo it and re-plan.`);
  return parts.join(' ');
}

/** The plan draft of a choice: title, risk, steps (and the rollback steps, for the card). */
export function draftFromChoice(c: FixChoice): { title: string; risk: FixPlan['risk']; steps: FixStep[]; rollback: Built['rollback']; why: string } {
  return { title: c.chosen.built.title, risk: c.chosen.risk, steps: c.chosen.built.steps, rollback: c.chosen.built.rollback, why: c.why };
}
