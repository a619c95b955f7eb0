/** parseCommand: every command's shape, the usage replies, mentions as questions, and totality. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { helpText, parseCommand, USAGE } from './commands.js';
import { COMMAND_NAMES } from './types.js';

const ok = (text: string, mention = false) => {
  const p = parseCommand(text, { mention });
  if (!p.ok) throw new Error(`expected a command from ${JSON.stringify(text)}, got: ${p.reply}`);
  return p.command;
};
const refused = (text: string) => {
  const p = parseCommand(text);
  if (p.ok) throw new Error(`expected a usage reply for ${JSON.stringify(text)}, got ${JSON.stringify(p.command)}`);
  return p.reply;
};

describe('parseCommand', () => {
  it('parses every command with its arguments', () => {
    expect(ok('open checkout 5xx after the  deploy')).toEqual({ name: 'open', service: 'checkout', title: '5xx after the  deploy' });
    expect(ok('status')).toEqual({ name: 'status' });
    expect(ok('status inc_42')).toEqual({ name: 'status', incidentId: 'inc_42' });
    expect(ok('ANALYZE inc_1')).toEqual({ name: 'analyze', incidentId: 'inc_1' });
    expect(ok('ask why is checkout slow?')).toEqual({ name: 'ask', question: 'why is checkout slow?' });
    expect(ok('plan')).toEqual({ name: 'plan' });
    expect(ok('approve fp_1')).toEqual({ name: 'approve', planId: 'fp_1' });
    expect(ok('reject fp_1 too risky at peak')).toEqual({ name: 'reject', planId: 'fp_1', reason: 'too risky at peak' });
    expect(ok('resolve inc_1')).toEqual({ name: 'resolve', incidentId: 'inc_1' });
    expect(ok('close')).toEqual({ name: 'close' });
    expect(ok('timeline inc_1')).toEqual({ name: 'timeline', incidentId: 'inc_1' });
    expect(ok('help')).toEqual({ name: 'help' });
    expect(ok('')).toEqual({ name: 'help' });
  });

  it('tolerates a leading /warroom or warroom', () => {
    expect(ok('/warroom status inc_1')).toEqual({ name: 'status', incidentId: 'inc_1' });
    expect(ok('  warroom   plan ')).toEqual({ name: 'plan' });
  });

  it('answers a bad command with the right usage', () => {
    expect(refused('open checkout')).toContain(USAGE.open);
    expect(refused('open <b>x</b> title')).toMatch(/not a service name/);
    expect(refused('status inc_1 inc_2')).toContain(USAGE.status);
    expect(refused('plan in$valid')).toMatch(/not an incident id/);
    expect(refused('approve')).toContain(USAGE.approve);
    expect(refused('approve fp_1 fp_2')).toContain(USAGE.approve);
    expect(refused('reject fp_1')).toMatch(/Say why/);
    expect(refused('reject')).toContain(USAGE.reject);
    expect(refused('ask')).toContain(USAGE.ask);
    expect(refused(`ask ${'x'.repeat(5000)}`)).toMatch(/too long/);
    const unknown = refused('deploy everything');
    expect(unknown).toMatch(/Unknown command "deploy"/);
    expect(unknown).toMatch(/Commands: open, status, .*help\. `help` shows how/);
    expect(unknown.split('\n')).toHaveLength(1); // short: the names, not the whole help
    const typo = refused('staus inc_1');
    expect(typo).toMatch(/Unknown command "staus"\. Did you mean `status`\?/);
    expect(typo).toContain(USAGE.status);
    expect(refused('aprove fp_1')).toContain(USAGE.approve);
    expect(refused('xyz')).not.toMatch(/Did you mean/); // three letters, nothing within one edit
  });

  describe('plan options (POST /v1/fix/plan\'s mode and strategy)', () => {
    const STRATEGIES = ['undo-deploy', 'rollback', 'scale-out', 'scale', 'restart'];
    const plan = (text: string, strategies: readonly string[] | null = STRATEGIES) => parseCommand(text, strategies ? { strategies } : {});
    it.each([
      ['plan --strategy rollback', { name: 'plan', strategy: 'rollback' }],
      ['plan inc_1 --strategy scale', { name: 'plan', incidentId: 'inc_1', strategy: 'scale' }],
      ['plan --mode catalog inc_1', { name: 'plan', incidentId: 'inc_1', mode: 'catalog' }],
      ['plan --strategy=Undo-Deploy --mode=AUTO', { name: 'plan', strategy: 'undo-deploy', mode: 'auto' }],
      ['plan inc_1 --mode catalog --strategy restart', { name: 'plan', incidentId: 'inc_1', mode: 'catalog', strategy: 'restart' }],
    ])('%s', (text, command) => {
      expect(plan(text)).toEqual({ ok: true, command });
    });

    it.each([
      ['plan --strategy teleport', /Unknown strategy "teleport"\. Strategies: undo-deploy, rollback, scale-out, scale, restart\./],
      ['plan --strategy', /`--strategy` needs a value/],
      ['plan --strategy --mode catalog', /`--strategy` needs a value/],
      ['plan --mode manual', /Mode "manual" takes the steps themselves/],
      ['plan --mode yolo', /"yolo" is not a mode \(one of: auto, catalog\)/],
      ['plan --mode auto --mode catalog', /`--mode` is given twice/],
      ['plan --force', /Unknown option "--force"/],
      ['plan inc_1 inc_2 --strategy rollback', /at most one incident id/],
      ['plan in$valid --strategy rollback', /not an incident id/],
    ])('%s → the usage', (text, why) => {
      const p = plan(text);
      if (p.ok) throw new Error(`expected a usage reply, got ${JSON.stringify(p.command)}`);
      expect(p.reply).toMatch(why);
      expect(p.reply).toContain(`Usage: ${USAGE.plan}`);
    });

    it('without a list of strategies, any id-shaped one is left to the use case to judge', () => {
      expect(plan('plan --strategy teleport', null)).toEqual({ ok: true, command: { name: 'plan', strategy: 'teleport' } });
      expect(plan('plan --strategy <b>', null)).toMatchObject({ ok: false, reply: expect.stringMatching(/^Unknown strategy "<b>"\.\n/) });
    });

    it('a mention with a plan option that does not fit is a question, not a usage error', () => {
      expect(parseCommand('plan --strategy teleport?', { mention: true, strategies: STRATEGIES })).toEqual({ ok: true, command: { name: 'ask', question: 'plan --strategy teleport?' } });
    });
  });

  it('takes a mention that is not a command as a question', () => {
    expect(ok('what changed in checkout?', true)).toEqual({ name: 'ask', question: 'what changed in checkout?' });
    // a command word whose arguments do not fit: still a question
    expect(ok('approve this?', true)).toEqual({ name: 'ask', question: 'approve this?' });
    // a command in a mention is a command
    expect(ok('status', true)).toEqual({ name: 'status' });
  });

  it('lists every command in help', () => {
    for (const n of COMMAND_NAMES) expect(helpText()).toContain(USAGE[n]);
  });

  it('never throws, and always answers a command or a non-empty reply', () => {
    const words = fc.constantFrom(...COMMAND_NAMES, 'warroom', '/warroom', 'inc_1', 'fp_1', '$', '<@U1>', '  ', '\n', 'é', '🚒');
    const texts = fc.oneof(fc.string({ maxLength: 300 }), fc.array(fc.oneof(words, fc.string({ maxLength: 12 })), { maxLength: 8 }).map((a) => a.join(' ')));
    fc.assert(
      fc.property(texts, fc.boolean(), (t, mention) => {
        const p = parseCommand(t, { mention });
        if (p.ok) expect(COMMAND_NAMES).toContain(p.command.name);
        else expect(p.reply.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
    expect(parseCommand(undefined as unknown as string).ok).toBe(false);
    expect(parseCommand('x'.repeat(100_000)).ok).toBe(false);
  });
});
