/**
 * `plan [INCIDENT] [--strategy S] [--mode auto|catalog]` end to end on the seeded PGlite store:
 * the options reach POST /v1/fix/plan's use case (a strategy preferred among the catalog's
 * alternatives, the catalog only), a strategy that does not fit is the use case's 409 relayed
 * with the strategies that fit and the usage, and an unknown one is a usage reply that lists the
 * valid ones and runs nothing. The parser is the one every surface calls (service.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../remediate/choose.js';
import { USAGE } from './commands.js';
import { chatWorld, slackUser, type ChatWorld } from './test-helpers.js';
import { seedConfigChangeAnalysis } from '../../test-support/config-change-analysis.js';

let w: ChatWorld;
let analyzed: string;
beforeAll(async () => {
  w = await chatWorld({ planStrategies: STRATEGIES });
  analyzed = await analyzedIncident();
});
afterAll(async () => {
  await w.close();
});
const rita = slackUser('URITA');

/** An incident whose stored, confident analysis blames a config change of checkout (the catalog reverts it; restart is its alternative). */
async function analyzedIncident(): Promise<string> {
  const org = w.seeded.org;
  const inc = await org.openIncident({ id: 'inc_cfg', title: 'checkout times out', service: 'checkout', severity: 'sev2', startedAt: '2026-03-02T09:30:00.000Z', openedAt: '2026-03-02T09:31:00.000Z', openedBy: 'user:rita' });
  await seedConfigChangeAnalysis(org, 'o1', inc.id, 'cfg');
  return inc.id;
}

const planOf = async (text: string) => {
  const r = await w.bot.run({ user: rita, text });
  const id = r.cards[0]?.id.replace('plan:', '');
  return { r, plan: id ? await w.seeded.org.getFixPlan(id) : null };
};

describe('plan with the fix-plan options', () => {
  it('without options: the catalog’s first choice (revert the blamed config key)', async () => {
    const { plan } = await planOf(`plan ${analyzed}`);
    expect(plan?.steps[0]).toMatchObject({ action: 'config_revert', target: 'checkout' });
  });

  it('--strategy restart: the catalog’s alternative, chosen as asked, pending approval', async () => {
    const { r, plan } = await planOf(`plan ${analyzed} --strategy restart`);
    expect(r.text).toMatch(/^Fix plan \S+ drafted/);
    expect(plan).toMatchObject({ status: 'pending_approval', requestedBy: 'rita' });
    expect(plan?.steps[0]).toMatchObject({ action: 'restart', target: 'checkout' });
    expect(plan?.why).toMatch(/^Chosen as asked \(strategy "restart"\)/);
  });

  it('--mode catalog: the catalog fix; on an incident with no analysis, the use case’s 409 and the usage, nothing stored', async () => {
    expect((await planOf(`plan ${analyzed} --mode catalog`)).plan?.steps[0].action).toBe('config_revert');
    const before = (await w.seeded.org.listFixPlans(w.seeded.checkout)).length;
    const { r } = await planOf(`plan ${w.seeded.checkout} --mode catalog`);
    expect(r).toMatchObject({ private: true, cards: [] });
    expect(r.text).toMatch(/^Sorry, nothing was done: The fix catalog has no fix for this incident: it has no stored analysis \(analyze it first\)/);
    expect(r.text).toContain(`Usage: ${USAGE.plan}`);
    expect(await w.seeded.org.listFixPlans(w.seeded.checkout)).toHaveLength(before);
  });

  it('a strategy that does not fit: the use case names those that fit, with the usage', async () => {
    const { r } = await planOf(`plan ${analyzed} --strategy scale-out`);
    expect(r.cards).toEqual([]);
    expect(r.text).toMatch(/no "scale-out" fix for checkout: the analysis does not support it\. Strategies that fit this incident: revert-config \(config_revert\), restart \(restart\)/);
    expect(r.text).toContain(`Usage: ${USAGE.plan}`);
  });

  it('an unknown strategy: the usage with the valid ones, and nothing runs (also for a person who could not plan)', async () => {
    const before = w.seeded.published.length;
    for (const user of [rita, slackUser('UNOBODY')]) {
      const r = await w.bot.run({ user, text: `plan ${analyzed} --strategy reboot-the-world` });
      expect(r).toMatchObject({ private: true, cards: [] });
      expect(r.text).toMatch(/^Unknown strategy "reboot-the-world"\. Strategies: undo-deploy, rollback, /);
      expect(r.text).toContain(`Usage: ${USAGE.plan}`);
    }
    // the surfaces acknowledge with bot.parse: the same reply, before anything runs
    expect(w.bot.parse('plan --strategy reboot-the-world')).toMatchObject({ ok: false, reply: expect.stringMatching(/^Unknown strategy/) });
    expect(w.seeded.published.length).toBe(before);
  });
});
