/**
 * Cards from what is stored now: the incident summary, the hypotheses of the latest analysis, a
 * fix plan and its outcome, each read through the use cases (as the session's person) and built
 * with the bot/cards builders. Commands reply with them and war rooms post and update them, so
 * both show the same thing. Each card comes with a digest of what matters in it (status, impact,
 * top hypothesis; the analysis; the plan's version): a card whose digest did not change is not
 * updated again (the summary's "time open" alone changes every minute).
 */
import { createHash } from 'node:crypto';
import { planDiff } from '../../core/plan-diff.js';
import type { Hypothesis, Incident, VerificationRecord } from '../../core/schemas.js';
import { latestAnalysisOrNull } from '../../usecases/analyses.js';
import type { IncidentAnalysis } from '../../usecases/analyze.js';
import { getFix } from '../../usecases/fix.js';
import { getIncident } from '../../usecases/incidents.js';
import type { Session } from '../../usecases/session.js';
import { type Card, fixPlanCard, hypothesesCard, incidentSummaryCard, outcomeCard, planVersion } from '../cards/index.js';

export interface BuiltCard {
  card: Card;
  /** What the card shows that matters, hashed: equal digests need no update. */
  digest: string;
}

/** Plan statuses after a run: the outcome card exists from then on. */
export const RAN_STATUSES = new Set(['executed', 'dry_run', 'failed']);

const digestOf = (...parts: unknown[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);

/** The breached SLOs of an analysis as one line (the summary's "Impact"). */
function impactOf(a: IncidentAnalysis | null): string | undefined {
  if (!a) return undefined;
  const breached = (a.result.blastRadius?.slos ?? []).filter((s) => s.breached);
  if (breached.length === 0) return 'no SLO breached';
  const num = (x: number | null) => (x === null ? '?' : String(Number(x.toPrecision(3))));
  return breached
    .slice(0, 5)
    .map((s) => `${s.name} (${s.service} ${s.metric}: ${num(s.baseline)} → ${num(s.during)})`)
    .concat(breached.length > 5 ? [`and ${breached.length - 5} more`] : [])
    .join('; ');
}

/** The hypotheses to show: the latest analysis's, else whatever hypotheses the incident has stored. */
async function hypothesesOf(s: Session, incidentId: string, a: IncidentAnalysis | null): Promise<Hypothesis[]> {
  const hs = a ? a.hypotheses : await s.org.listHypotheses(incidentId);
  return [...hs].filter((h) => h.evidenceIds.length > 0).sort((x, y) => x.rank - y.rank);
}

const incidentOf = async (s: Session, incident: string | Incident): Promise<Incident> => (typeof incident === 'string' ? getIncident(s, incident) : incident);

/** The incident summary card as of now. */
export async function summaryCardFor(s: Session, incident: string | Incident, baseUrl: string): Promise<BuiltCard> {
  const inc = await incidentOf(s, incident);
  const a = await latestAnalysisOrNull(s, inc.id);
  const top = (await hypothesesOf(s, inc.id, a))[0];
  const impact = impactOf(a);
  const blast = a?.result.blastRadius;
  const card = incidentSummaryCard({
    incident: inc,
    baseUrl,
    now: s.deps.clock.now(),
    ...(impact ? { impact } : {}),
    ...(blast ? { blastRadius: blast } : {}),
    ...(top ? { topHypothesis: top } : {}),
  });
  const digest = digestOf(inc.status, inc.severity, inc.title, inc.resolvedAt, impact ?? null, blast?.impacted.map((b) => b.service) ?? null, top ? [top.id, top.statement, top.confidence] : null);
  return { card, digest };
}

/** The hypotheses card, or null while the incident has neither an analysis nor stored hypotheses. */
export async function hypothesesCardFor(s: Session, incident: string | Incident, baseUrl: string): Promise<BuiltCard | null> {
  const inc = await incidentOf(s, incident);
  const a = await latestAnalysisOrNull(s, inc.id);
  const hypotheses = await hypothesesOf(s, inc.id, a);
  if (!a && hypotheses.length === 0) return null;
  const evidence = a ? a.evidence : await s.org.listEvidence(inc.id);
  const card = hypothesesCard({
    incident: inc,
    hypotheses,
    evidence,
    baseUrl,
    ...(a ? { analysis: { ranAt: a.storedAt, window: `${new Date(a.window.from).toISOString()} → ${new Date(a.window.to).toISOString()}` } } : {}),
  });
  return { card, digest: digestOf(a?.analysisId ?? null, hypotheses.map((h) => h.id), inc.status) };
}

/** A fix plan's card as the plan is now (Approve / Reject only while it waits). */
export async function planCardFor(s: Session, planId: string, baseUrl: string): Promise<BuiltCard> {
  const { plan, approvals } = await getFix(s, planId);
  const [inc, preflight] = await Promise.all([s.org.getIncident(plan.incidentId), s.org.latestPreflight(plan.id)]);
  // the latest preflight's gates, each with its reason (none before the first preflight)
  const gates = (preflight?.gates ?? []).map((g) => ({ name: g.name, status: g.passed ? ('passed' as const) : ('failed' as const), detail: g.reason }));
  const diff = planDiff(plan.steps);
  const card = fixPlanCard({ plan, approvals, baseUrl, rollback: plan.rollback ?? [], why: plan.why ?? null, ...(diff ? { diff } : {}), ...(gates.length ? { gates } : {}), ...(inc ? { incident: { id: inc.id, title: inc.title } } : {}) });
  return { card, digest: digestOf(planVersion(plan), approvals.map((x) => x.id), ...(preflight ? [preflight.id] : [])) };
}

/** The card's word for a verdict: a `continue` that has not healed yet is "improving", not "passed". */
function verdictOf(v: VerificationRecord): 'passed' | 'improving' | 'halted' | 'rolled_back' {
  if (v.decision === 'continue') return v.healed ? 'passed' : 'improving';
  return v.decision === 'halt' ? 'halted' : 'rolled_back';
}

/** The judge's reason, with the round it came from and when it looks again (rounds: usecases/verify.ts). */
function verificationDetail(v: VerificationRecord): string {
  const round = v.round > 1 || v.nextRoundAt ? ` (round ${v.round}${v.nextRoundAt ? `; judged again after ${v.nextRoundAt}` : ''})` : '';
  return `${v.message}${round}`;
}

/** The outcome of a plan that ran (executed, dry run or failed), or null before it ran, with its verification once there is one. */
export async function outcomeCardFor(s: Session, planId: string, baseUrl: string): Promise<BuiltCard | null> {
  const { plan, approvals, commands } = await getFix(s, planId);
  if (!RAN_STATUSES.has(plan.status)) return null;
  // the canary judge's verdict, once the post window closed (usecases/verify.ts): its message is the reason
  const v = await s.org.getVerification(plan.id);
  const verification = v ? { verdict: verdictOf(v), detail: verificationDetail(v) } : undefined;
  return { card: outcomeCard({ plan, approvals, commands, baseUrl, ...(verification ? { verification } : {}) }), digest: digestOf(planVersion(plan), commands.map((c) => c.id), v?.id ?? null) };
}
