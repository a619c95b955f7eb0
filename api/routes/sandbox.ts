/**
 * The live sandbox over REST:
 *
 *   GET  /v1/sim         (read)   its time, the injected faults with their ground truth, the desired state
 *   POST /v1/sim/faults  (admin)  inject a fault now: {kind, service?, instance?, duration?, params?} → its ground truth
 *
 * The sandbox belongs to one org (`deps.sandbox.owner`, the default org): a fault's ground truth
 * names the remedy that heals it, so to every other org the sandbox does not exist (404, like
 * any other org's resource). For its owner, when the sandbox is off (`WARROOM_SANDBOX=off`), the
 * status says so and an injection answers 503. Remedies reach the sandbox through fix plans (the
 * `sandbox` runner, sim/runner.ts), never directly.
 */
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { FAULTS } from '../../sim/faults.js';
import { FAULT_KINDS } from '../../sim/schema.js';
import type { SandboxControl } from '../../sim/sandbox.js';
import { route, type Ctx } from '../context.js';

export const InjectBody = z.object({
  kind: z.enum(FAULT_KINDS).describe('fault kind (GET /v1/sim lists them)'),
  service: z.string().min(1).max(63).optional().describe("root-cause service; default: the kind's usual target"),
  instance: z.string().min(1).max(80).optional().describe('bad_node: the pod; disk_full: one pod'),
  duration: z.string().regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/).optional().describe('for faults that end by themselves, e.g. "20m"'),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional().describe('kind-specific knobs, e.g. {"error_rate": 0.5}'),
});
export type InjectBody = z.output<typeof InjectBody>;

const GroundTruthView = z
  .object({
    id: z.string(),
    kind: z.enum(FAULT_KINDS),
    root_cause_service: z.string(),
    instance: z.string().nullable(),
    start: z.string(),
    symptoms_from: z.string(),
    remedy: z.record(z.string(), z.unknown()),
    heals_after_s: z.number(),
    healed_at: z.string().nullable(),
  })
  .catchall(z.unknown())
  .meta({ id: 'SimFaultGroundTruth' });

const StatusView = z.object({
  enabled: z.boolean(),
  now: z.string().nullable(),
  faults: z.array(GroundTruthView),
  fault_kinds: z.array(z.object({ kind: z.string(), title: z.string(), default_service: z.string(), remedy: z.string() })),
  desired: z.record(z.string(), z.unknown()).nullable().describe('desired state per service (version, replicas, flags, config, resources…)'),
  error: z.string().nullable().describe('why the sandbox is not running when it failed to start (null otherwise)'),
});

const KINDS = Object.values(FAULTS).map((d) => ({ kind: d.kind, title: d.title, default_service: d.defaultService, remedy: d.remedyAction }));

/**
 * The caller's sandbox: `{ running }` for the owner (undefined when it is off); any other org,
 * or an instance wired without a sandbox, gets 404.
 */
function sandboxOf({ principal, deps }: Pick<Ctx, 'principal' | 'deps'>): { running: SandboxControl | undefined; failure: string | undefined } {
  const access = deps.sandbox;
  if (!access || principal.kind !== 'key' || principal.orgId !== access.owner) throw new AppError('not_found', 'This org has no sandbox.');
  return { running: access.running(), failure: access.failure?.() };
}

export const sandboxStatusRoute = route({
  method: 'get',
  path: '/v1/sim',
  summary: 'The live sandbox: its time, the injected faults with their ground truth, the desired state',
  tag: 'sandbox',
  scope: 'read',
  response: { status: 200, schema: StatusView, description: 'Sandbox status' },
  errors: [404],
  async handler(ctx) {
    const { running: sb, failure } = sandboxOf(ctx);
    if (!sb) return { status: 200, body: { enabled: false, now: null, faults: [], fault_kinds: KINDS, desired: null, error: failure ?? null } };
    const s = sb.status();
    return { status: 200, body: { enabled: true, now: s.now, faults: s.faults, fault_kinds: KINDS, desired: s.desired.services, error: null } };
  },
});

export const injectFaultRoute = route({
  method: 'post',
  path: '/v1/sim/faults',
  summary: 'Inject a fault into the live sandbox (its effects show in the signals within a few ticks)',
  tag: 'sandbox',
  scope: 'admin',
  body: InjectBody,
  response: { status: 201, schema: GroundTruthView, description: 'The fault and its ground truth (root cause, change, remedy that heals it)' },
  errors: [404, 503],
  async handler(ctx) {
    const { body, org, actor } = ctx;
    const sb = sandboxOf(ctx).running;
    if (!sb) throw new AppError('unavailable', 'The sandbox is off on this instance (WARROOM_SANDBOX=off); start Warroom with the sandbox on to inject faults.');
    let truth;
    try {
      truth = sb.inject(body);
    } catch (e) {
      // the sandbox names the field first: `<field>: <problem>`
      const msg = (e as Error).message;
      const m = /^([a-z_.]+): (.*)$/s.exec(msg);
      throw new AppError('invalid_input', `Cannot inject ${body.kind}: ${msg}`, { issues: [{ path: m?.[1] ?? 'service', message: m?.[2] ?? msg }] });
    }
    await org.appendAudit({ actor, action: 'sim.fault_injected', target: `sim:${truth.id}`, payload: { kind: truth.kind, service: truth.root_cause_service, instance: truth.instance } });
    return { status: 201, body: truth };
  },
});

/** The sandbox's part of the route table (api/routes/index.ts). */
export const SANDBOX_ROUTES = [sandboxStatusRoute, injectFaultRoute];
