import { describe, expect, it } from 'vitest';
import type { Incident, Signal } from '../core/schemas.js';
import { draftPlan } from './planner.js';
import { dryRunRunner } from './runners/dryrun.js';
import { testRunContext } from './runners/contract.js';

const incident: Incident = {
  id: 'inc1', orgId: 'o', title: 't', service: 'checkout', severity: 'sev3', status: 'open',
  startedAt: '2026-01-01T12:00:00.000Z', openedAt: '2026-01-01T12:01:00.000Z', openedBy: 'detector', resolvedAt: null,
};
const deploy = (ts: string, service = 'checkout'): Signal => ({
  id: `d-${ts}`, orgId: 'o', source: 'github', kind: 'deploy', ts, key: service, value: null, text: 'deploy',
  labels: { service, version: 'v42' }, meta: {},
});

describe('draftPlan', () => {
  it('rolls back when a deploy of the service preceded the incident', () => {
    const p = draftPlan(incident, [deploy('2026-01-01T11:50:00.000Z')]);
    expect(p.steps).toHaveLength(1);
    expect(p.steps[0]).toMatchObject({ action: 'rollback', target: 'checkout', command: 'kubectl rollout undo deployment/checkout -n default' });
    expect(p.title).toContain('v42');
  });

  it.each([
    ['a deploy after the start', [deploy('2026-01-01T12:10:00.000Z')]],
    ['a deploy of another service', [deploy('2026-01-01T11:50:00.000Z', 'cart')]],
    ['a deploy too long before', [deploy('2026-01-01T09:00:00.000Z')]],
    ['no change at all', []],
  ])('restarts when there is %s', (_n, changes) => {
    expect(draftPlan(incident, changes).steps[0].action).toBe('restart');
  });

  it('refuses a service name that is not a Kubernetes name', () => {
    expect(() => draftPlan({ ...incident, service: 'x; rm -rf /' }, [])).toThrow(/not a valid Kubernetes name/);
  });

  it('dry-run records the command and executes nothing', async () => {
    const r = await dryRunRunner.execute(draftPlan(incident, []).steps[0], testRunContext('o1'));
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain('kubectl rollout restart deployment/checkout -n default');
    expect(r.output).toMatch(/DRY RUN/);
  });
});
