/**
 * The contract every `Runner` (core/ports/runner.ts) must pass: the dry run
 * (remediate/runners/dryrun.test.ts), the sandbox (sim/runner.test.ts), and the Kubernetes and
 * GitOps runners when they come. It states what POST /v1/fix/execute (api/routes/fix.ts) relies
 * on: the runner's name is the key plans name it by; a step answers `{exitCode, output}`, exit
 * code 0 meaning done, anything else a failed step that stops the plan; a step the runner cannot
 * carry out is answered, not thrown; the step comes back untouched (its command is recorded after
 * the run); and one runner serves every plan of the process, so no step's outcome leaks into
 * another's. A runner with `validate` (the preflight's dry_run gate) passes the steps it carries
 * out and answers any other without throwing. A runner given an already-aborted signal (the plan
 * was abandoned, the process is stopping) answers non-zero without acting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunContext, Runner, StepResult } from '../../core/ports/index.js';
import type { FixStep } from '../../core/schemas.js';

/** A run context for tests: org `orgId`, a staging plan, a signal nobody aborts (unless `over` says). */
export const testRunContext = (orgId = 'default', over: Partial<RunContext> = {}): RunContext => ({ orgId, planId: 'fp_test', env: 'staging', signal: new AbortController().signal, ...over });

export interface RunnerUnderTest {
  runner: Runner;
  /** Releases what the runner acts on (a sandbox, a cluster connection). */
  close?(): Promise<void>;
}

export interface RunnerContractOptions {
  /** A fresh runner, and whatever it acts on, for one test. */
  open(): Promise<RunnerUnderTest>;
  /** Steps it carries out, each answered with exit code 0 (every time: the contract runs them more than once). */
  carriesOut: FixStep[];
  /** Steps it cannot carry out, each answered with a non-zero exit code (none for a runner that refuses nothing, like the dry run). */
  refuses: FixStep[];
  /** The org the runner serves (default "default"): every step of the contract runs for it. */
  orgId?: string;
  /** Set for a runner bound to one tenant's system (the sandbox): a step run for any other org must be refused. */
  boundToOrg?: boolean;
  /**
   * What the runner acts on, as comparable data (the sandbox's desired state): a step given an
   * aborted signal must leave it as it was. Absent: only the answer is checked.
   */
  state?(u: RunnerUnderTest): Promise<unknown>;
}

/** Steps no runner may throw on: each is answered with an exit code and an output, whatever the exit code. */
export const ODD_STEPS: [string, FixStep][] = [
  ['an action no runner knows', { action: 'pray', target: 'checkout', params: {}, command: 'pray --hard' }],
  ['an empty target and command', { action: 'restart', target: '', params: {}, command: '' }],
  ['params of the wrong types', { action: 'scale', target: 'search', params: { replicas: 'many', nested: { deep: [null, 1, 'x'] } }, command: 'kubectl scale deployment/search --replicas=many' }],
  ['a __proto__ key in params (as JSON.parse makes it)', { action: 'scale', target: 'search', params: JSON.parse('{"__proto__": {"polluted": true}, "replicas": 3}'), command: 'kubectl scale deployment/search --replicas=3' }],
  ['shell metacharacters and unicode in the command', { action: 'restart', target: 'cart', params: {}, command: 'kubectl rollout restart deployment/cart; rm -rf / && echo "ünïcode \u2028 $(whoami)"' }],
  ['a 64 KiB command', { action: 'restart', target: 'cart', params: {}, command: `kubectl annotate deployment/cart note=${'x'.repeat(65_536)}` }],
];

function expectAnswer(r: StepResult): void {
  expect(Number.isInteger(r.exitCode), `exit code ${r.exitCode}`).toBe(true);
  expect(typeof r.output).toBe('string');
}

export function runnerContract(name: string, o: RunnerContractOptions): void {
  describe(`Runner contract: ${name}`, () => {
    const ctx = testRunContext(o.orgId ?? 'default');
    let opened: RunnerUnderTest | undefined;
    const open = async () => (opened = await o.open());
    afterEach(async () => {
      await opened?.close?.();
      opened = undefined;
    });

    // Only for runners bound to one tenant's system; the dry run acts on nothing, so it has no org to refuse.
    it.runIf(o.boundToOrg)('refuses a step run for another org, as if it had no system to act on', async () => {
      const { runner } = await open();
      for (const step of o.carriesOut) {
        const r = await runner.execute(step, { ...ctx, orgId: `${ctx.orgId}-other` });
        expect(r.exitCode).not.toBe(0);
        expect(r.output.length).toBeGreaterThan(0);
      }
    });

    it('answers a step given an already-aborted signal with a non-zero exit code and the reason, without acting', async () => {
      const u = await open();
      const stopped = new AbortController();
      stopped.abort(new Error('plan abandoned'));
      const before = await o.state?.(u);
      for (const step of o.carriesOut) {
        const r = await u.runner.execute(step, { ...ctx, signal: stopped.signal });
        expectAnswer(r);
        expect(r.exitCode, r.output).not.toBe(0);
        expect(r.output.length).toBeGreaterThan(0);
      }
      if (o.state) expect(await o.state(u)).toEqual(before);
    });

    it('is named by a lowercase identifier (plans and the API name it by it)', async () => {
      const { runner } = await open();
      expect(runner.name).toMatch(/^[a-z][a-z0-9_-]*$/);
    });

    it('carries out a step it can: exit code 0 and an output saying what it did', async () => {
      const { runner } = await open();
      expect(o.carriesOut.length).toBeGreaterThan(0);
      for (const step of o.carriesOut) {
        const r = await runner.execute(step, ctx);
        expectAnswer(r);
        expect(r.exitCode, r.output).toBe(0);
        expect(r.output.length).toBeGreaterThan(0);
      }
    });

    // Skipped for a runner that refuses nothing (the dry run records any step).
    it.skipIf(o.refuses.length === 0)('answers a step it cannot carry out with a non-zero exit code and the reason, never by throwing', async () => {
      const { runner } = await open();
      for (const step of o.refuses) {
        const r = await runner.execute(step, ctx);
        expectAnswer(r);
        expect(r.exitCode, `${step.action} ${step.target}: ${r.output}`).not.toBe(0);
        expect(r.output.length).toBeGreaterThan(0);
      }
    });

    it.each(ODD_STEPS)('answers %s with an exit code and an output, never by throwing', async (_name, step) => {
      const { runner } = await open();
      expectAnswer(await runner.execute(step, ctx));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    // Only for runners with a server-side check (the preflight's dry_run gate).
    it('checks a step without carrying it out: ok for what it carries out, answered (never thrown) for anything else, the step untouched', async () => {
      const { runner } = await open();
      if (!runner.validate) return; // no check: the preflight skips its steps, said so
      for (const step of o.carriesOut) {
        const before = structuredClone(step);
        const c = await runner.validate(step, ctx);
        expect(c.ok, c.reason).toBe(true);
        expect(step).toEqual(before);
      }
      for (const [, step] of ODD_STEPS) {
        const c = await runner.validate(step, ctx);
        expect(typeof c.ok).toBe('boolean');
        expect(c.reason.length).toBeGreaterThan(0);
      }
    });

    it('leaves the step as it was (the caller records its command after the run)', async () => {
      const { runner } = await open();
      for (const step of [...o.carriesOut, ...o.refuses]) {
        const before = structuredClone(step);
        await runner.execute(step, ctx);
        expect(step).toEqual(before);
      }
    });

    it('serves every plan of the process: a refused step changes nothing for the next, and concurrent steps get their own answers', async () => {
      const { runner } = await open();
      const ok = o.carriesOut[0];
      const bad = o.refuses[0];
      const seq = [ok, ...(bad ? [bad] : []), ok];
      const codes: boolean[] = [];
      for (const step of seq) codes.push((await runner.execute(step, ctx)).exitCode === 0);
      expect(codes).toEqual(seq.map((s) => s !== bad));
      const all = [...o.carriesOut, ...o.refuses];
      const together = await Promise.all(all.map((s) => runner.execute(s, ctx)));
      expect(together.map((r) => r.exitCode === 0)).toEqual(all.map((_, i) => i < o.carriesOut.length));
    });
  });
}
