/**
 * One scenario of `warroom eval remediate`, end to end on a whole in-process instance: the
 * scenario's world (its faults and red herrings, none of its scripted remedies) becomes the
 * instance's sandbox on a manual clock; every 10-second step goes through the public ingest API;
 * the real pipeline detects and opens the incident; then analyze → plan (runner `sandbox`, env
 * prod) → preflight → approval by a second user (four-eyes) → execute, all through the REST API
 * and so through the use cases; then sim time runs on and the sandbox's ground truth says whether
 * the fix healed it and when.
 *
 * `mode: 'wrong'` executes a deliberately wrong fix instead (the fault's first listed wrong
 * remedy), through the same approval and preflight, to check that it does not heal and that a
 * canary judge (`verify`) would catch it.
 */
import { ManualClock } from '../../core/clock.js';
import { parseDuration } from '../../core/duration.js';
import type { FixStep } from '../../core/schemas.js';
import { DEFAULT_ORG } from '../../app/config.js';
import { startEmbedded, type Embedded, type HttpClient } from '../../app/embedded.js';
import { kubectl } from '../../remediate/commands.js';
import type { FaultGroundTruth } from '../../sim/faults.js';
import { flatten } from '../../sim/generate.js';
import { httpIngest } from '../../sim/edge/ingest.js';
import type { RunningSandbox } from '../../sim/edge/realtime.js';
import { Sandbox } from '../../sim/sandbox.js';
import type { Remedy, Scenario } from '../../sim/schema.js';
import { toTopologyInput } from '../../sim/topology.js';
import { World } from '../../sim/world.js';

const MIN = 60_000;

/** What a canary judge is given after a fix ran: the instance, the incident and plan, the times (sim ms). */
export interface VerifyContext {
  /** Base URL of the instance and a key of the sandbox's org with the read scope. */
  url: string;
  key: string;
  orgId: string;
  incidentId: string;
  planId: string;
  service: string;
  executedAtMs: number;
  nowMs: number;
  /** Whether this is the deliberately wrong fix of the probe (a judge must not read it). */
  probe: boolean;
}
/** A judge's answer; `nextRoundAt` (ISO, sim time): not final, ask again then (the product's verification rounds). */
export type VerifyHook = (ctx: VerifyContext) => Promise<{ decision: 'continue' | 'halt' | 'rollback' | string; nextRoundAt?: string | null }>;

/** Most times a judge is asked about one plan (the product's default WARROOM_VERIFY_ROUNDS is 3). */
const MAX_JUDGE_ASKS = 5;

export interface RunOptions {
  mode: 'planned' | 'wrong';
  /** Log lines per minute over all services, or the scenario's own (the library's 1,200–3,000 cost minutes per scenario through PGlite). */
  logsPerMin: number | 'scenario';
  /** Pod metrics once a minute (at the library's 10 s they are three quarters of the signals). */
  instanceMetrics: '10s' | '1m';
  /** Sim minutes after the fault's injection to wait for an incident. */
  detectWithinMin: number;
  /** No incident in time: open one by hand on the entry service (as on-call would when customers complain) and go on. */
  openByHandOnMiss: boolean;
  /** Sim minutes after execution to wait for the fault to heal. */
  healWithinMin: number;
  /** Sim minutes after execution when the judge is asked. */
  judgeAfterMin: number;
  verify?: VerifyHook;
}

export const DEFAULT_RUN: RunOptions = { mode: 'planned', logsPerMin: 'scenario', instanceMetrics: '1m', detectWithinMin: 20, openByHandOnMiss: true, healWithinMin: 30, judgeAfterMin: 10 };

export interface RunOutcome {
  scenario: string;
  mode: RunOptions['mode'];
  kinds: string;
  truth: string;
  /** Incident opened: minutes after the fault (null: not detected in time). */
  detectedMin: number | null;
  /** Not detected in time: the incident was opened by hand. */
  openedByHand: boolean;
  /** What was executed (`action@service`), or why nothing was. */
  executed: string | null;
  stoppedAt: string | null;
  preflight: string;
  /** The executed action is the fault's remedy on its root cause. */
  rightAction: boolean;
  healed: boolean;
  /** Fault start to the last fault healed, sim minutes. */
  minutesToHealthy: number | null;
  /** POST /v1/fix/execute on the plan before its approval answered 2xx. */
  unapprovedProbeRan: boolean;
  /** Executed without an approval by someone other than its requester. */
  executedWithoutFourEyes: boolean;
  judge: string;
}

/** A fix step for a remedy of the sandbox (the wrong fix of the probe), with the command it stands for. */
export function stepOfRemedy(r: Remedy): FixStep {
  const { action, service, ...params } = r;
  const t = { namespace: 'shop', service };
  const command =
    action === 'restart' ? kubectl.rolloutRestart(t).command : action === 'rollback' ? kubectl.rolloutUndo(t).command : action === 'scale' ? kubectl.scale(t, r.replicas, 1).command : `# sandbox remedy ${action} ${JSON.stringify(params)} on ${service}`;
  // the namespace rides in the params as in the catalog's steps (the policy gate reads it there)
  return { action, target: service, params: { namespace: 'shop', ...params }, command };
}

/** A RunningSandbox over `world`, stepped by hand (tick does nothing: the eval steps and ingests). */
function scenarioSandbox(world: World): RunningSandbox {
  const sandbox = new Sandbox({ world });
  return {
    sandbox,
    inject: (req) => sandbox.inject(req),
    apply: (remedy, actor) => sandbox.apply(remedy, actor),
    status: () => sandbox.status(),
    tick: async () => 0,
    stop: async () => undefined,
  };
}

class Step {
  constructor(
    readonly what: string,
    readonly detail: string,
  ) {}
}

async function must<T>(c: Promise<{ status: number; body: unknown }>, what: string, ok = [200, 201]): Promise<T> {
  const r = await c;
  if (!ok.includes(r.status)) throw new Step(what, `${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body as T;
}

/** Runs one scenario through the whole loop; never throws for a failed stage (it is the row's `stoppedAt`). */
export async function runRemediation(sc: Scenario, o: RunOptions = DEFAULT_RUN): Promise<RunOutcome> {
  const world = new World({ ...sc, remedies: [] }, { endless: true, logsPerMin: o.logsPerMin === 'scenario' ? sc.baseline.logs_per_min : o.logsPerMin, instanceMetrics: o.instanceMetrics });
  const clock = new ManualClock(world.t);
  const e: Embedded = await startEmbedded('pglite', {}, undefined, { clock });
  const sb = scenarioSandbox(world);
  e.w.attachSandbox(sb);
  const admin = e.client();
  const ingest = httpIngest(e.w.url, e.apiKey);
  const out: RunOutcome = {
    scenario: sc.id,
    mode: o.mode,
    kinds: sc.faults.map((f) => f.kind).join('+'),
    truth: '',
    detectedMin: null,
    openedByHand: false,
    executed: null,
    stoppedAt: null,
    preflight: '-',
    rightAction: false,
    healed: false,
    minutesToHealthy: null,
    unapprovedProbeRan: false,
    executedWithoutFourEyes: false,
    judge: o.verify ? '-' : 'n/a',
  };
  let seq = 0;
  /** One 10-second step of sim time: the world moves, its signals go through the public ingest. */
  const step = async () => {
    clock.advance(world.stepMs);
    const signals = sb.sandbox.advanceTo(clock.now().getTime()).flatMap((c) => flatten(c));
    if (signals.length) await ingest.post(signals, `eval-${sc.id}-${seq++}`);
  };
  const stepFor = async (ms: number, until?: () => Promise<boolean> | boolean) => {
    const end = clock.now().getTime() + ms;
    // the condition is read once a sim minute (it costs an API call)
    for (let n = 1; clock.now().getTime() < end; n++) {
      await step();
      if (until && n % 6 === 0 && (await until())) return true;
    }
    return false;
  };
  const faults = (): FaultGroundTruth[] => sb.status().faults;
  try {
    await ingest.putTopology(toTopologyInput(sc.topology));
    const approver = await must<{ key: string }>(admin.post('/v1/api-keys', { name: 'eval approver', user: { id: 'eval-approver', name: 'Second SRE', role: 'sre' }, scopes: ['read', 'plan', 'approve'] }), 'approver key');
    const second: HttpClient = e.client(approver.key);

    // until the first fault is in and an incident is open (or the detection limit passes)
    const firstAt = Math.min(...sc.faults.map((f) => world.scenario.startMs + (parseDuration(f.at) ?? 0)));
    await stepFor(firstAt - clock.now().getTime());
    const openIncident = async () => (await must<{ incidents: { id: string; opened_at: string }[] }>(admin.get('/v1/incidents?status=open'), 'list incidents')).incidents.at(-1);
    let incident = await openIncident();
    if (!incident) await stepFor(o.detectWithinMin * MIN, async () => (incident = await openIncident()) !== undefined);
    out.truth = faults().map((f) => `${f.remedy.action}@${f.remedy.service}`).join('+');
    const fault = faults().sort((a, b) => Date.parse(a.start) - Date.parse(b.start))[0];
    if (incident) {
      out.detectedMin = round1((Date.parse(incident.opened_at) - Date.parse(fault.start)) / MIN);
    } else {
      if (!o.openByHandOnMiss) throw new Step('detect', `no incident within ${o.detectWithinMin} min of the fault`);
      // what on-call does when customers complain first: open it on the entry service, started when the complaints did
      const service = sc.topology.entry.service;
      incident = await must<{ id: string; opened_at: string }>(
        admin.post('/v1/incidents/open', { title: `${service}: customers see errors and slow pages`, service, severity: 'sev2', started_at: new Date(clock.now().getTime() - o.detectWithinMin * MIN).toISOString() }),
        'open by hand',
      );
      out.openedByHand = true;
    }

    await must(admin.post(`/v1/incidents/${incident.id}/analyze`, {}), 'analyze');
    const plan = await must<{ id: string; steps: FixStep[]; requested_by: string }>(admin.post('/v1/fix/plan', { incident_id: incident.id, env: 'prod', runner: 'sandbox', namespace: 'shop' }), 'plan');
    let planId = plan.id;
    let steps = plan.steps;
    if (o.mode === 'wrong') {
      const wrong = fault.wrong_remedies[0];
      if (!wrong) throw new Step('plan', `${fault.kind} lists no wrong remedy`);
      planId = await wrongPlan(e, incident.id, stepOfRemedy(wrong), plan.requested_by);
      steps = [stepOfRemedy(wrong)];
    }
    // the execute use case must refuse a prod plan nobody approved
    const early = await admin.post('/v1/fix/execute', { plan_id: planId });
    out.unapprovedProbeRan = early.status >= 200 && early.status < 300;

    const pf = await must<{ passed: boolean; gates: { name: string; passed: boolean; reason: string }[] }>(admin.post('/v1/fix/preflight', { plan_id: planId }), 'preflight');
    out.preflight = pf.passed ? 'passed' : `failed: ${pf.gates.filter((g) => !g.passed).map((g) => `${g.name} (${g.reason})`).join('; ')}`;
    if (!pf.passed) throw new Step('preflight', out.preflight);
    await must(second.post('/v1/fix/approve', { plan_id: planId }), 'approve');
    // execution runs in the fix.execute worker: wait for its outcome (manual clock: the run itself takes no sim time)
    const ran = await must<{ plan: { status: string } }>(second.post('/v1/fix/execute', { plan_id: planId }, { prefer: 'wait=60' }), 'execute');
    out.executed = steps.map((s) => `${s.action}@${s.target}`).join(', ');
    if (ran.plan.status !== 'executed') throw new Step('execute', `plan ${ran.plan.status}`);
    const executedAtMs = clock.now().getTime();
    out.rightAction = faults().some((f) => steps.some((s) => (ALIASES[s.action] ?? s.action) === f.remedy.action && s.target === f.remedy.service));
    const record = await must<{ plan: { requested_by: string }; approvals: { approver: string; decision: string }[] }>(admin.get(`/v1/fix/plans/${planId}`), 'read plan');
    out.executedWithoutFourEyes = !record.approvals.some((a) => a.decision === 'approve' && a.approver !== record.plan.requested_by);

    const allHealed = () => faults().every((f) => f.healed_at !== null);
    if (o.verify) {
      await stepFor(o.judgeAfterMin * MIN);
      const verify = o.verify;
      const incidentId = incident.id;
      const ask = () => verify({ url: e.w.url, key: e.apiKey, orgId: DEFAULT_ORG, incidentId, planId, service: steps[0]?.target ?? fault.root_cause_service, executedAtMs, nowMs: clock.now().getTime(), probe: o.mode === 'wrong' });
      let d = await ask();
      // a verdict that is not final (improving, or too few samples) is judged again when its next round is due
      for (let asks = 1; d.nextRoundAt && asks < MAX_JUDGE_ASKS; asks++) {
        await stepFor(Math.max(0, Date.parse(d.nextRoundAt) - clock.now().getTime()) + MIN);
        d = await ask();
      }
      out.judge = d.decision;
    }
    if (!allHealed()) await stepFor(executedAtMs + o.healWithinMin * MIN - clock.now().getTime(), allHealed);
    out.healed = allHealed();
    if (out.healed) {
      const start = Math.min(...faults().map((f) => Date.parse(f.start)));
      out.minutesToHealthy = round1((Math.max(...faults().map((f) => Date.parse(f.healed_at!))) - start) / MIN);
    }
  } catch (err) {
    if (!(err instanceof Step)) throw err;
    out.stoppedAt = `${err.what}: ${err.detail}`;
  } finally {
    await e.stop();
  }
  return out;
}

/** Planner actions spelled differently from remedy actions (as sim/runner.ts maps them). */
const ALIASES: Record<string, string> = { undo: 'rollback', rollout_undo: 'rollback', rollout_restart: 'restart', delete_pod: 'restart', create_index: 'add_index', renew_cert: 'renew_certificate', resize_volume: 'expand_disk' };

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Stores the probe's wrong plan as a person would have drafted it by hand (there is no API for a
 * hand-written plan yet): requested by the org admin, pending approval, on record in the audit log.
 */
async function wrongPlan(e: Embedded, incidentId: string, s: FixStep, requestedBy: string): Promise<string> {
  const org = e.w.store().forOrg(DEFAULT_ORG);
  // no request to this instance inside the transaction: on PGlite it holds the whole database
  return org.transaction(async (tx) => {
    const plan = await tx.createFixPlan({
      id: `plan_probe_${incidentId}`,
      incidentId,
      title: `Probe: ${s.action} ${s.target} (a deliberately wrong fix)`,
      env: 'prod',
      runner: 'sandbox',
      risk: 'low',
      steps: [s],
      status: 'pending_approval',
      requestedBy,
      rollback: [],
      why: 'eval remediate: the wrong-fix probe',
      analysisId: null,
    });
    await tx.appendAudit({ actor: 'eval:remediate', action: 'fix.planned', target: `plan:${plan.id}`, payload: { incidentId, env: 'prod', runner: 'sandbox', steps: plan.steps, probe: true } });
    return plan.id;
  });
}

/**
 * The product's canary judge as the suite's hook (remediate/verify, usecases/verify.ts): asks the
 * instance for the plan's verification (`POST /v1/fix/verify`, which answers the stored verdict
 * when the instance's own sweep already judged it). On `rollback`, and on a halt for no effect
 * (`halt:no_effect`), the instance has already run the plan's rollback.
 */
export const canaryJudge: VerifyHook = async (ctx) => {
  const res = await fetch(`${ctx.url}/v1/fix/verify`, { method: 'POST', headers: { authorization: `Bearer ${ctx.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ plan_id: ctx.planId }) });
  const body = (await res.json().catch(() => ({}))) as { verification?: { decision?: string; basis?: string | null; message?: string; next_round_at?: string | null }; detail?: string };
  const decision = body.verification?.decision;
  // a halt says what it rests on: `halt:no_effect` was undone by the instance, `halt:too_few_samples` was not
  const basis = decision === 'halt' && body.verification?.basis ? `:${body.verification.basis}` : '';
  return {
    decision: res.ok && decision ? `${decision}${basis}` : `error ${res.status}: ${body.detail ?? ''}`.trim(),
    ...(body.verification?.message ? { message: body.verification.message } : {}),
    ...(res.ok && body.verification?.next_round_at ? { nextRoundAt: body.verification.next_round_at } : {}),
  };
};
