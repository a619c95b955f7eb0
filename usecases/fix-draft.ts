/**
 * The fix plan an incident would get, drafted without storing it. `planFix` stores this draft
 * pending approval; `draftFixPlan` only shows it (the agent's draft_fix_plan tool), so a person
 * can see what a plan would do before anyone asks for one.
 *
 * With a confident stored analysis the fix comes from the catalog (remediate/choose.ts): the top
 * hypothesis's blamed change or its service's fault signature picks the entry, live values (the
 * `liveState` reader, when one is configured) give its numbers, and the runners-up are kept as
 * alternatives. Without one, the incident's own service gets the thin planner's rollback-or-restart
 * — but not a bare restart when an unsure analysis ranks another service first and has no specific
 * fix for it: that is a 409 `no_confident_fix` saying so, rather than a guess on the wrong service.
 */
import { AppError } from '../core/errors.js';
import type { OrgStore } from '../core/ports/index.js';
import type { Incident } from '../core/schemas.js';
import { draftPlan, type PlanDraft } from '../remediate/planner.js';
import { NoPreferredFix, chooseFix, draftFromChoice, type FixChoice } from '../remediate/choose.js';
import { ManualStepError, manualDraft, type ManualStep } from '../remediate/render/manual.js';
import type { AnalysisResult } from '../rca/types.js';
import { asChange, type Change } from './changes.js';
import { fixEvidenceOf } from './fix-evidence.js';
import type { UseCaseDeps } from './session.js';
import { requireScope } from './principal.js';
import type { Session } from './session.js';

/** The planner looks back this far for a deploy of the incident's service (remediate/planner.ts counts one up to an hour old). */
const DEPLOY_LOOKBACK_MS = 3_600_000;

export interface IncidentDraft {
  incident: Incident;
  draft: PlanDraft & { rollback?: { action: string; target: string; command: string }[]; why?: string };
  /** The catalog's choice (with its alternatives and why), when a confident analysis drove the draft; null otherwise. */
  choice: FixChoice | null;
  /** The stored analysis the catalog chose from. */
  analysisId?: string;
  /** The deploy the draft undoes, or null when it found none and restarts instead. */
  undoes: Change | null;
  /** Where the planner looked for a deploy: the incident's service in [from, to]. */
  searched: { service: string; from: string; to: string };
}

/**
 * How a plan is drafted: `auto` the catalog when the analysis supports it, else the thin planner;
 * `catalog` the catalog only (409 with the reason when it has no fix); `manual` the caller's steps,
 * checked and rendered by the typed generators. `strategy` (auto, catalog) names the catalog entry
 * or action to prefer among its alternatives.
 */
export interface DraftOptions {
  mode?: 'auto' | 'catalog' | 'manual';
  strategy?: string;
  steps?: readonly ManualStep[];
}

/** The service a fix should target: the latest analysis's confident top suspect, else the incident's own. */
async function targetService(org: OrgStore, incident: Incident): Promise<string> {
  const latest = await org.latestAnalysis(incident.id);
  if (latest?.verdict !== 'confident') return incident.service;
  const top = (latest.result as { ranking?: { service?: unknown }[] }).ranking?.[0]?.service;
  return typeof top === 'string' && top ? top : incident.service;
}

/**
 * Reads the incident, the service to act on (the confident top suspect of its latest analysis —
 * an incident opened on the entry service is usually caused further down — else its own) and that
 * service's deploys in the hour before the incident started, and drafts the plan with
 * remediate/planner.ts. Stores nothing; `org` is the caller's (planFix passes its write
 * transaction so the stored plan matches what it read).
 */
export async function draftForIncident(org: OrgStore, incidentId: string, namespace: string, liveState?: UseCaseDeps['liveState'], opts: DraftOptions = {}): Promise<IncidentDraft> {
  const incident = await org.getIncident(incidentId);
  if (!incident) throw new AppError('not_found', `No incident ${incidentId}.`);
  if (opts.mode === 'manual') return manualIncidentDraft(incident, namespace, opts.steps ?? []);
  const fromCatalog = await catalogDraft(org, incident, namespace, liveState, opts.strategy);
  if (!('none' in fromCatalog)) return fromCatalog;
  if (opts.mode === 'catalog' || opts.strategy !== undefined) {
    throw new AppError('conflict', `The fix catalog has no fix for this incident: ${fromCatalog.none}${opts.mode === 'catalog' ? ' (mode "auto" falls back to the thin planner)' : ''}.`, { extra: { reason: 'no_catalog_fix' } });
  }
  const service = await targetService(org, incident);
  if (fromCatalog.pointsElsewhere !== undefined) {
    // the thin planner would act on the incident's own service (usually the entry one, where
    // customers see it) although the analysis ranks another first: undo a deploy of it, yes; a
    // restart of a service the evidence does not point at, no — say there is no confident fix
    const d = await thinDraft(org, incident, service, namespace);
    if (d.undoes) return d;
    throw new AppError('conflict', `No confident fix: ${fromCatalog.none}, and the analysis ranks ${fromCatalog.pointsElsewhere} above ${incident.service}, so restarting ${incident.service} would be a guess. Look at ${fromCatalog.pointsElsewhere} (analyze again with more data, or plan with mode "manual").`, { extra: { reason: 'no_confident_fix' } });
  }
  return thinDraft(org, incident, service, namespace);
}

/** The thin planner's draft on `service`: undo its deploy in the hour before the incident, else restart it. */
async function thinDraft(org: OrgStore, incident: Incident, service: string, namespace: string): Promise<IncidentDraft> {
  const searched = { service, from: new Date(Date.parse(incident.startedAt) - DEPLOY_LOOKBACK_MS).toISOString(), to: incident.startedAt };
  // up to and including the start: a detector dates the incident at the onset, often the deploy's own second ([from, to) reads)
  const deploys = await org.listSignals({ kind: 'deploy', service, from: searched.from, to: new Date(Date.parse(incident.startedAt) + 1).toISOString(), limit: 100 });
  let draft: PlanDraft;
  try {
    draft = draftPlan({ ...incident, service }, deploys, namespace);
  } catch (e) {
    throw new AppError('invalid_input', (e as Error).message);
  }
  const undoneId = draft.steps.map((st) => st.params.deploySignalId).find((id) => typeof id === 'string');
  const undone = undoneId === undefined ? undefined : deploys.find((d) => d.id === undoneId);
  return { incident, draft, undoes: undone ? asChange(undone) : null, searched, choice: null };
}

/**
 * The catalog's draft from the latest analysis (older stored results lack hypotheses and are left
 * to the thin planner). A confident analysis's top hypothesis drives it; an unsure one's top-ranked
 * suspect does only when its fault signature names a specific fix (a full disk, an expired
 * certificate…) — a bare restart of an unsure suspect is left to the thin planner.
 */
async function catalogDraft(org: OrgStore, incident: Incident, namespace: string, liveState: UseCaseDeps['liveState'], strategy?: string): Promise<IncidentDraft | { none: string; pointsElsewhere?: string }> {
  const latest = await org.latestAnalysis(incident.id);
  const result = latest?.result as AnalysisResult | undefined;
  if (!latest) return { none: 'it has no stored analysis (analyze it first)' };
  if (!Array.isArray(result?.hypotheses) || !Array.isArray(result.correlations) || !Array.isArray(result.ranking)) return { none: 'its latest analysis lacks the hypotheses the catalog matches (analyze it again)' };
  const confident = latest.verdict === 'confident' && result.hypotheses.length > 0;
  if (!confident && !result.ranking.length) return { none: 'its latest analysis is not confident and ranks no suspect' };
  const searched = { service: confident ? result.hypotheses[0].service : result.ranking[0].service, from: latest.window.from, to: latest.window.to };
  // the blamed change's before/after values live on its stored event (an hour before the window: a deploy may lead its effect)
  const changes = await org.listChanges({ from: new Date(Date.parse(latest.window.from) - DEPLOY_LOOKBACK_MS).toISOString(), to: latest.window.to, limit: 500 });
  const evidence = fixEvidenceOf(result, changes);
  if (!evidence) return { none: `the analysis gives no evidence to match for ${searched.service}` };
  const live = (await liveState?.(incident.orgId, evidence.service)) ?? null;
  let choice: FixChoice;
  try {
    choice = chooseFix(evidence, { namespace, live, ...(strategy !== undefined ? { prefer: strategy } : {}) });
  } catch (e) {
    if (e instanceof NoPreferredFix) throw new AppError('conflict', e.message, { extra: { reason: 'no_catalog_fix' } });
    throw new AppError('invalid_input', (e as Error).message);
  }
  if (!confident && choice.chosen.lastResort) return { none: `the analysis is not confident and its top suspect ${evidence.service} shows no signature of a specific fix`, ...(evidence.service !== incident.service ? { pointsElsewhere: evidence.service } : {}) };
  const d = draftFromChoice(choice);
  if (!confident) d.why = `The analysis is not confident; this follows its top-ranked suspect ${evidence.service}, whose own signals point at a specific fix. ${d.why}`;
  const changeSignal = evidence.change ? changes.find((c) => asChange(c)?.changeId === evidence.change!.id) : undefined;
  const undoes = choice.chosen.action === 'rollback' && changeSignal ? asChange(changeSignal) : null;
  return { incident, draft: { title: d.title, risk: d.risk, steps: d.steps, rollback: d.rollback, why: d.why }, choice, undoes, searched, analysisId: latest.id };
}

/** A manual plan: the caller's steps, checked and rendered (remediate/render/manual.ts); a refused step is a 422 naming it. */
function manualIncidentDraft(incident: Incident, namespace: string, steps: readonly ManualStep[]): IncidentDraft {
  if (!steps.length) throw new AppError('invalid_input', 'A manual plan needs its steps.', { issues: [{ path: 'steps', message: 'at least one {action, target, params}' }] });
  try {
    const d = manualDraft(steps, namespace);
    const why = 'Steps given by the requester (mode manual); each was checked against its typed action and its command generated from its params.';
    return { incident, draft: { ...d, why }, choice: null, undoes: null, searched: { service: incident.service, from: incident.startedAt, to: incident.startedAt } };
  } catch (e) {
    if (e instanceof ManualStepError) throw new AppError('invalid_input', `Step ${e.index + 1}: ${e.message}`, { issues: [{ path: `steps.${e.index}`, message: e.message }] });
    throw e;
  }
}

/**
 * The plan planFix would store for an incident, stored nowhere and audited nowhere (scope `read`):
 * the same drafting, with the same `mode` (auto or catalog) and `strategy`, as POST /v1/fix/plan.
 */
export async function draftFixPlan(s: Session, input: { incidentId: string; namespace?: string; mode?: 'auto' | 'catalog'; strategy?: string }): Promise<IncidentDraft> {
  requireScope(s.principal, 'read');
  const opts: DraftOptions = { ...(input.mode ? { mode: input.mode } : {}), ...(input.strategy !== undefined ? { strategy: input.strategy } : {}) };
  return draftForIncident(s.org, input.incidentId, input.namespace ?? 'default', s.deps.liveState, opts);
}
