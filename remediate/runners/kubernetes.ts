/**
 * The `kubernetes` runner: an approved fix-plan step `{action, target, params}` carried out as
 * Kubernetes API calls through the official client (@kubernetes/client-node), the calls of
 * kubernetes-actions.ts. The step's `command` is shown to people and never run: no shell, no
 * kubectl. `validate` (the preflight's dry_run gate) makes the same calls with `dryRun=All`, so
 * the API server checks real semantics (names, 404, 409, 422) and persists nothing.
 *
 * Exit codes: 0 done; 1 the cluster refused it or could not be reached (the Kubernetes Status
 * message is the output); 2 the step cannot be mapped (unknown action, bad params or names).
 * Nothing here throws for a step: it is always answered.
 *
 * The cluster comes from `kubeConfig()`, resolved per step (the sandbox's own API is known only
 * once the instance listens); the namespace from the step's `params.namespace`, else the
 * kubeconfig context's, else `default`.
 */
import * as k8s from '@kubernetes/client-node';
import { systemClock, type Clock } from '../../core/clock.js';
import type { CheckContext, Runner } from '../../core/ports/index.js';
import type { FixStep } from '../../core/schemas.js';
import { isK8sName } from '../commands.js';
import { ACTIONS, ALIASES, NOT_KUBERNETES, statusText, StepRefused, type Cluster, type KubernetesAction } from './kubernetes-actions.js';

export interface KubernetesRunnerOptions {
  /** The cluster to act on; rejects with the reason when there is none (yet). */
  kubeConfig(): Promise<k8s.KubeConfig>;
  /** The org the cluster belongs to: a step run for any other org is refused. */
  owner?: string;
  /** The field manager the API server records for what a patch sets (default `warroom`). */
  fieldManager?: string;
  clock?: Clock;
  /**
   * How long one step may wait for the cluster (default 30 s). Past it the step fails, saying
   * the change may still land: a request that got no answer is not known to have done nothing.
   */
  timeoutMs?: number;
}

interface Outcome {
  code: number;
  text: string;
}

function failure(e: unknown, server: string): Outcome {
  if (e instanceof StepRefused) return { code: 1, text: e.message };
  if (e instanceof k8s.ApiException) return { code: 1, text: `the cluster refused it (${statusText(e)})` };
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const why = err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
  return { code: 1, text: `could not reach the cluster at ${server}: ${why}` };
}

/** A step mapped onto an action of the table, or why it cannot be. */
function mapStep(step: FixStep): { ok: true; action: KubernetesAction; params: unknown; namespace?: string } | { ok: false; error: string } {
  const action = ALIASES[step.action] ?? step.action;
  if (NOT_KUBERNETES[action]) return { ok: false, error: NOT_KUBERNETES[action] };
  if (!Object.hasOwn(ACTIONS, action)) return { ok: false, error: `no Kubernetes mapping for action "${step.action}" (known: ${Object.keys(ACTIONS).join(', ')})` };
  if (!isK8sName(step.target)) return { ok: false, error: `target "${step.target}" is not a Kubernetes name` };
  const raw = (step.params ?? {}) as Record<string, unknown>;
  const ns = raw.namespace;
  if (ns !== undefined && (typeof ns !== 'string' || !isK8sName(ns))) return { ok: false, error: `params.namespace ${JSON.stringify(ns)} is not a Kubernetes namespace name` };
  const parsed = ACTIONS[action as KubernetesAction].params.safeParse(raw);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `params${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`).join('; ') };
  return { ok: true, action: action as KubernetesAction, params: parsed.data, namespace: ns as string | undefined };
}

/** A runner that carries out fix-plan steps on the cluster `kubeConfig()` names. */
export function kubernetesRunner(o: KubernetesRunnerOptions): Runner {
  const clock = o.clock ?? systemClock;
  const timeoutMs = o.timeoutMs ?? 30_000;

  async function run(step: FixStep, ctx: CheckContext & { signal?: AbortSignal }, dryRun: boolean): Promise<Outcome> {
    if (o.owner !== undefined && ctx.orgId !== o.owner) return { code: 1, text: 'this org has no Kubernetes cluster configured: nothing to run this step on' };
    // the plan was abandoned or the process is stopping: act on nothing
    if (ctx.signal?.aborted) return { code: 130, text: 'not run: the run was stopped (the plan was abandoned, or the process is stopping)' };
    const m = mapStep(step);
    if (!m.ok) return { code: 2, text: `cannot run "${step.action}" on Kubernetes: ${m.error}` };
    let kc: k8s.KubeConfig;
    try {
      kc = await o.kubeConfig();
    } catch (e) {
      return { code: 1, text: `no Kubernetes cluster to run this step on: ${(e as Error).message}` };
    }
    const server = kc.getCurrentCluster()?.server ?? '(no cluster in the kubeconfig)';
    const namespace = m.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
    const c: Cluster = { apps: kc.makeApiClient(k8s.AppsV1Api), core: kc.makeApiClient(k8s.CoreV1Api), namespace, dryRun, fieldManager: o.fieldManager ?? 'warroom', now: () => clock.now() };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve({ code: 1, text: `no answer from the cluster at ${server} within ${timeoutMs} ms; the change may still be applied: look before running it again` }), timeoutMs);
    });
    const action = ACTIONS[m.action] as { run(c: Cluster, target: string, p: unknown): Promise<string> };
    const done = action.run(c, step.target, m.params).then((text): Outcome => ({ code: 0, text }), (e: unknown) => failure(e, server));
    try {
      return await Promise.race([done, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    name: 'kubernetes',
    async execute(step, ctx) {
      const r = await run(step, ctx, false);
      return { exitCode: r.code, output: r.text };
    },
    async validate(step, ctx) {
      const r = await run(step, ctx, true);
      return { ok: r.code === 0, reason: r.code === 0 ? `server dry run: ${r.text}` : r.text };
    },
  };
}
