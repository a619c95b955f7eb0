import { describe, expect, it } from 'vitest';
import { kubectl } from '../commands.js';
import type { RenderedChange } from './change.js';
import { hasPlanMarker, MAX_BODY, planMarker, renderPullRequestBody, type PullRequestBodyInput } from './pr-body.js';

const t = { namespace: 'shop', service: 'payments' };
const undo = kubectl.rolloutUndo(t);
const change: RenderedChange = {
  files: [{ path: 'deploy/payments/deployment.yaml', content: '…' }],
  applied: [{ step: 1, path: 'deploy/payments/deployment.yaml', how: 'image tag of payments set to 1.42.0' }],
  manual: [{ step: 2, command: 'kubectl delete pod payments-1 -n shop', why: 'a pod is not declared in Git' }],
};
const base: PullRequestBodyInput = {
  plan: {
    id: '01JPLAN',
    title: 'Roll back payments to 1.42.0',
    env: 'prod',
    risk: 'medium',
    requestedBy: 'alice',
    why: 'the analysis blames deploy payments@1.43.0: undoing it removes the cause',
    steps: [
      { action: 'rollback', target: 'payments', params: {}, command: undo.command },
      { action: 'restart', target: 'payments', params: { instance: 'payments-1' }, command: 'kubectl delete pod payments-1 -n shop' },
    ],
    rollback: [{ action: 'undo rollback', target: 'payments', command: undo.rollback }],
  },
  incident: { id: 'inc1', title: 'payments 5xx', service: 'payments', severity: 'sev2' },
  approvals: [{ approver: 'bob', decision: 'approve', createdAt: '2026-12-07T11:00:00.000Z' }],
  preflight: {
    passed: true,
    createdAt: '2026-12-07T11:01:00.000Z',
    gates: [
      { name: 'dry_run', passed: true, reason: 'every step would run', details: {} },
      { name: 'policy', passed: true, reason: 'allowed | by policy', details: {} },
    ],
  },
  evidence: [{ id: 'ev1', kind: 'change', summary: 'deploy payments@1.43.0 at 10:58' }],
  change,
  links: {
    incident: 'https://warroom.example/v1/incidents/inc1',
    evidence: (id) => `https://warroom.example/v1/incidents/inc1/evidence#${id}`,
    evidenceList: 'https://warroom.example/v1/incidents/inc1/evidence',
    plan: 'https://warroom.example/v1/fix/plans/01JPLAN',
  },
};

describe('renderPullRequestBody', () => {
  it('holds the plan, its steps with their commands and where each lives, the gates, the evidence links and the rollback', () => {
    const body = renderPullRequestBody(base);
    expect(body.split('\n')[0]).toBe(planMarker('01JPLAN'));
    expect(hasPlanMarker(body, '01JPLAN')).toBe(true);
    expect(hasPlanMarker(body, '01JOTHER')).toBe(false);
    expect(body).toContain('## Roll back payments to 1.42.0');
    expect(body).toContain('[`01JPLAN`](https://warroom.example/v1/fix/plans/01JPLAN) for [incident payments 5xx](https://warroom.example/v1/incidents/inc1) (sev2, service `payments`)');
    expect(body).toContain('Environment **prod**, risk **medium**, requested by `alice`.');
    expect(body).toContain('Approved by `bob` (2026-12-07T11:00:00.000Z).');
    expect(body).toContain('### Why\n\nthe analysis blames deploy payments@1.43.0: undoing it removes the cause');
    expect(body).toContain('1. `rollback` on `payments`: in this pull request — `deploy/payments/deployment.yaml`: image tag of payments set to 1.42.0\n\n   ```sh\n   kubectl rollout undo deployment/payments -n shop\n   ```');
    expect(body).toContain('2. `restart` on `payments`: **after merging, by hand** — a pod is not declared in Git');
    expect(body).toContain('| dry_run | passed | every step would run |');
    expect(body).toContain('| policy | passed | allowed \\| by policy |'); // a pipe cannot break the table
    expect(body).toContain('- [deploy payments@1.43.0 at 10:58](https://warroom.example/v1/incidents/inc1/evidence#ev1) (change)');
    expect(body).toContain('### Rollback\n\nRevert this pull request. What the plan records to undo each step on the cluster:\n\n```sh\nkubectl rollout undo deployment/payments -n shop\n```');
  });

  it('says so when there is no preflight, evidence, approval or public URL, and shows ids instead of links', () => {
    const body = renderPullRequestBody({ ...base, preflight: null, evidence: [], approvals: [], links: undefined });
    expect(body).toContain('No preflight was run for this plan.');
    expect(body).toContain('No evidence is stored for this incident.');
    expect(body).toContain('Not approved in Warroom yet.');
    expect(body).toContain('Warroom fix plan `01JPLAN` for incident payments 5xx (sev2');
    expect(body).not.toContain('](');
  });

  it('text from logs cannot inject markup, and code cannot close its fence', () => {
    const body = renderPullRequestBody({
      ...base,
      evidence: [{ id: 'e', kind: 'log_cluster', summary: '<img src=x onerror=alert(1)> [click](http://evil) **x**' }],
      plan: { ...base.plan, steps: [{ action: 'sql', target: 'db', params: {}, command: 'echo ```\n## not a heading' }] },
    });
    expect(body).toContain('\\<img src=x onerror=alert(1)\\> \\[click\\](http://evil) \\*\\*x\\*\\*');
    expect(body).toContain('   ````sh\n   echo ```\n   ## not a heading\n   ````');
  });

  it('stays under GitHub\'s limit with a note where it was cut, and lists at most 20 evidence rows', () => {
    const evidence = Array.from({ length: 400 }, (_, i) => ({ id: `e${i}`, kind: 'signal' as const, summary: `row ${i} ${'x'.repeat(300)}` }));
    const body = renderPullRequestBody({ ...base, evidence, plan: { ...base.plan, why: 'y'.repeat(70_000) } });
    expect(body.length).toBeLessThanOrEqual(MAX_BODY);
    expect(body).toMatch(/… cut at 60000 characters; the whole plan: https:\/\/warroom\.example\/v1\/fix\/plans\/01JPLAN\n$/);
    const short = renderPullRequestBody({ ...base, evidence });
    expect(short.match(/^- \[row/gm)).toHaveLength(20);
    expect(short).toContain('- … and 380 more ([all evidence](https://warroom.example/v1/incidents/inc1/evidence))');
  });
});
