import { describe, expect, it } from 'vitest';
import { LOG_WEIGHTS, logEvidence, timedOutOnCalmCallee } from './logs.js';
import type { LogClusterInput } from './types.js';

const cluster = (service: string, level: string, template: string, before: number, during: number): LogClusterInput => ({
  service,
  templateId: `${service}-${template}`,
  template,
  countsBefore: before,
  countsDuring: during,
  level,
  exemplar: template,
  novel: before === 0,
});

describe('log evidence', () => {
  it('a new error-level template outweighs a new warning of a failure, which outweighs a new info line', () => {
    const ev = logEvidence(
      [
        cluster('err', 'ERROR', 'ERROR verify code not found', 0, 12),
        cluster('warn', 'WARN', 'WARN get order by id fail', 0, 12),
        cluster('info', 'INFO', 'INFO get order by id', 0, 12),
      ],
      60,
      60,
    );
    const score = (s: string) => ev.find((x) => x.service === s)!.score;
    expect(score('err')).toBeGreaterThan(score('warn'));
    expect(score('warn')).toBeGreaterThan(score('info'));
    expect(score('warn') / score('err')).toBeCloseTo(LOG_WEIGHTS.warning, 3);
    expect(score('info') / score('err')).toBeCloseTo(LOG_WEIGHTS.other, 3);
  });

  it('a template that did not change is no evidence', () => {
    const ev = logEvidence([cluster('a', 'ERROR', 'ERROR boom', 10, 10)], 60, 60);
    expect(ev[0].score).toBe(0);
  });

  describe('a timeout towards a callee whose own latency stayed calm', () => {
    const lines = [
      cluster('ads', 'ERROR', 'upstream request timeout calling catalog after <*>ms', 0, 12),
      cluster('ads', 'ERROR', 'call to auth failed: x509: certificate has expired', 0, 12),
    ];
    const services = ['ads', 'catalog', 'auth'];

    it("stays the caller's own evidence (its wait got shorter), while other failures still name the callee", () => {
      const ev = logEvidence(lines, 60, 60, services, timedOutOnCalmCallee(() => true))[0];
      expect(ev.references.map((r) => r.service)).toEqual(['auth']);
      expect(ev.score).toBeGreaterThan(0.5);
    });

    it('names the callee when its latency rose or is not measured', () => {
      const ev = logEvidence(lines, 60, 60, services, timedOutOnCalmCallee(() => false))[0];
      expect(ev.references.map((r) => r.service).sort()).toEqual(['auth', 'catalog']);
      expect(ev.score).toBe(0);
    });
  });
});
