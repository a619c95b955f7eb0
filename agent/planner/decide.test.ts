/**
 * decide() on PlannerViews given as data: for every intent, several phrasings → the first call;
 * results shaped like the tool contracts (notes/tool-contracts.md) → the composed answer with its
 * `[id]` markers; the fallbacks when the registry lacks a tool; ambiguity and "I don't know".
 */
import { describe, expect, it } from 'vitest';
import type { Citation, CitationKind, ToolResult } from '../../tools/types.js';
import { decide, type Decision, type PlannerView, type ToolRun } from './decide.js';

const INC = '01JQRS0000000000000000000A';
const OTHER = '01JQRS0000000000000000000B';
const CORE = ['list_incidents', 'get_incident', 'root_cause', 'incident_evidence', 'search_knowledge'];
const ALL = [...CORE, 'incident_timeline', 'list_anomalies', 'search_log_templates', 'query_metric', 'list_changes', 'blast_radius', 'analyze_incident', 'explain_why_not', 'similar_incidents', 'draft_fix_plan'];

const incident = { id: INC, title: 'Checkout 5xx errors', service: 'checkout', severity: 'sev2', status: 'open', startedAt: '2026-03-01T09:45:00.000Z', openedAt: '2026-03-01T09:46:00.000Z', resolvedAt: null };
/** The contracts' new kinds (metric, log_template, analysis) are added to CITATION_KINDS by the tools' owners. */
type Kind = CitationKind | 'metric' | 'log_template' | 'analysis';
const cite = (id: string, kind: Kind): Citation => ({ id, kind: kind as CitationKind, title: id, ref: `/x/${id}` });
const ok = (data: unknown, cites: [string, Kind][] = []): ToolResult => ({ status: 'ok', data, citations: cites.map(([id, k]) => cite(id, k)) });
const noData = (data: unknown, cites: [string, Kind][] = []): ToolResult => ({ status: 'no_data', data, citations: cites.map(([id, k]) => cite(id, k)) });
const err = (error: string): ToolResult => ({ status: 'error', data: null, citations: [], error });
const run = (name: string, args: Record<string, unknown>, result: ToolResult): ToolRun => ({ name, args, result });

const view = (question: string, o: Partial<PlannerView> = {}): PlannerView => ({ question, focus: INC, tools: ALL, runs: [], ...o });
const calls = (d: Decision) => ('calls' in d ? d.calls : d.text);
const text = (d: Decision) => {
  if (!('text' in d)) throw new Error(`expected an answer, got calls ${JSON.stringify(d.calls)}`);
  return d.text;
};

const rootCauseData = {
  incident,
  hypotheses: [
    { id: 'hy_1', rank: 1, statement: 'The checkout v42 deploy broke PaymentClient', confidence: 0.82, service: 'checkout', evidence: [{ id: 'ev_1', summary: 'deploy checkout v42' }], counterEvidence: [] },
  ],
  whyNot: [{ service: 'payments', reason: 'payments error rate stayed at baseline', hypothesisId: 'hy_1' }],
};
const rootCauseRun = run('root_cause', { incidentId: INC }, ok(rootCauseData, [[INC, 'incident'], ['hy_1', 'hypothesis'], ['ev_1', 'evidence']]));
const evidenceRun = (kind?: string) =>
  run(
    'incident_evidence',
    { incidentId: INC, ...(kind ? { kind } : {}) },
    ok(
      {
        incident,
        evidence: [
          { id: 'ev_1', kind: 'change', summary: 'deploy checkout v42', createdAt: '2026-03-01T09:50:00.000Z', data: { ts: '2026-03-01T09:40:00.000Z' } },
          { id: 'ev_2', kind: 'log_cluster', summary: 'NullPointerException in PaymentClient. Retrying', createdAt: '2026-03-01T09:50:00.000Z', data: {} },
          { id: 'ev_3', kind: 'anomaly', summary: 'checkout 5xx rate 12%', createdAt: '2026-03-01T09:50:00.000Z', data: {} },
          { id: 'ev_4', kind: 'metric_delta', summary: 'checkout latency p95 ×3', createdAt: '2026-03-01T09:50:00.000Z', data: {} },
        ].filter((e) => !kind || e.kind === kind),
      },
      [[INC, 'incident'], ['ev_1', 'evidence'], ['ev_2', 'evidence'], ['ev_3', 'evidence'], ['ev_4', 'evidence']],
    ),
  );

/** The first decision of a turn: which call a question leads to. */
describe('each intent, in several phrasings, calls its tool (all tools held, incident in focus)', () => {
  const table: [string, string[], { name: string; args: Record<string, unknown> }][] = [
    ['status', ["what's the status?", 'any update?', 'how are things with this incident', 'sitrep please', 'give me an overview'], { name: 'root_cause', args: { incidentId: INC } }],
    ['timeline', ['what happened?', 'walk me through the events', 'show the timeline', 'when did it start, step by step', "what's the sequence of events"], { name: 'incident_timeline', args: { incidentId: INC } }],
    ['root cause', ['what is the root cause?', 'why is it failing?', 'what broke?', 'who is the culprit here', 'what caused this'], { name: 'root_cause', args: { incidentId: INC } }],
    ['analyze', ['analyze this incident', 'run the root cause analysis', 'can you investigate it', 'diagnose this one', 'analyse it please'], { name: 'analyze_incident', args: { incidentId: INC } }],
    ['changes', ['what changed?', 'any deploys recently?', 'which flags were flipped', 'what was deployed in the last hour', 'show me recent config changes', 'who deployed what'], { name: 'list_changes', args: { incidentId: INC } }],
    ['anomalies', ['any anomalies?', 'what alerts fired', 'show me the spikes', 'anything abnormal?', 'were there outliers'], { name: 'list_anomalies', args: { incidentId: INC } }],
    ['blast radius', ["what's the blast radius", 'who is affected?', 'what is the impact', 'which services are affected', "what's downstream of this"], { name: 'blast_radius', args: { incidentId: INC } }],
    ['similar', ['have we seen this before?', 'any similar incidents', 'how was it fixed last time', 'past incidents like this one', 'is there a precedent'], { name: 'similar_incidents', args: { incidentId: INC } }],
    ['fix plan', ['draft a fix plan', 'how do we fix this', 'what should we do', 'propose a remediation', 'next steps?', 'suggest a fix'], { name: 'draft_fix_plan', args: { incidentId: INC } }],
  ];
  for (const [intent, questions, call] of table) {
    it.each(questions)(`${intent}: %s`, (q) => expect(calls(decide(view(q)))).toEqual([call]));
  }

  it.each([
    ['why not payments?', 'payments'],
    ['could it be the database?', 'database'],
    ['why was inventory ruled out?', 'inventory'],
    ['is postgres to blame?', 'postgres'],
    ['what about redis?', 'redis'],
    ['was it cart?', 'cart'],
  ])('why (not) a service: %s → explain_why_not for %s', (q, service) => expect(calls(decide(view(q)))).toEqual([{ name: 'explain_why_not', args: { incidentId: INC, service } }]));

  it.each([
    ['show me the logs', {}],
    ['any new errors in the logs?', { level: 'error', novelOnly: true }],
    ['what exceptions are we seeing', { level: 'error' }],
    ['show error messages for checkout', { service: 'checkout', level: 'error' }],
    ['grep the logs for "connection refused"', { text: 'connection refused' }],
    ['any warnings logged on payments?', { service: 'payments', level: 'warn' }],
  ])('logs: %s', (q, args) => expect(calls(decide(view(q)))).toEqual([{ name: 'search_log_templates', args: { incidentId: INC, ...args } }]));

  it.each([
    ['show me the p95 latency for checkout', 'checkout', 'latency_p95_ms'],
    ["what's the error rate of payments", 'payments', 'http_error_rate'],
    ['plot cpu on orders', 'orders', 'cpu_utilization'],
    ['how high is the memory of cart', 'cart', 'memory_utilization'],
    ['graph the p99 of search', 'search', 'latency_p99_ms'],
    ['show the throughput metrics for frontend', 'frontend', 'http_requests_per_s'],
  ])('metric: %s', (q, service, metric) => expect(calls(decide(view(q)))).toEqual([{ name: 'query_metric', args: { service, incidentId: INC, metric } }]));

  it.each(['write a summary for stakeholders', 'tl;dr for execs', 'give me a recap', 'status update for leadership', 'brief the management'])('summary: %s → several tools at once', (q) =>
    expect(calls(decide(view(q)))).toEqual([
      { name: 'root_cause', args: { incidentId: INC } },
      { name: 'blast_radius', args: { incidentId: INC } },
      { name: 'list_changes', args: { incidentId: INC } },
      { name: 'incident_timeline', args: { incidentId: INC } },
    ]),
  );

  it.each([
    ['runbook for disk full', 'disk full'],
    ['how do I restart kafka', 'restart kafka'],
    ['any docs on certificate rotation', 'certificate rotation'],
    ['is there a playbook for dns failures', 'dns failures'],
    ['how to rotate logs', 'rotate logs'],
  ])('runbook: %s → search_knowledge "%s"', (q, query) => expect(calls(decide(view(q)))).toEqual([{ name: 'search_knowledge', args: { query } }]));
});

describe('composed answers cite the rows they come from', () => {
  it('timeline: every event with its row marker, the incident for rows the tool did not cite', () => {
    const data = { incident, events: [
      { at: '2026-03-01T09:40:00.000Z', kind: 'change', summary: 'deploy checkout v42', id: 'sig_1', service: 'checkout' },
      { at: '2026-03-01T09:45:00.000Z', kind: 'opened', summary: 'incident opened. By the detector', id: INC, service: null },
      { at: '2026-03-01T09:47:00.000Z', kind: 'status', summary: 'mitigated', id: 'aud_9' },
    ] };
    const v = view('what happened?', { runs: [run('incident_timeline', { incidentId: INC }, ok(data, [[INC, 'incident'], ['sig_1', 'change']]))] });
    expect(text(decide(v))).toBe(
      [
        `What happened in **Checkout 5xx errors** [${INC}], oldest first:`,
        '- 2026-03-01T09:40:00.000Z: change (checkout): deploy checkout v42 [sig_1]',
        `- 2026-03-01T09:45:00.000Z: opened: incident opened; By the detector [${INC}]`,
        `- 2026-03-01T09:47:00.000Z: status: mitigated [${INC}]`,
      ].join('\n'),
    );
  });

  it('metric: summary with before/after split, cited by the series', () => {
    const data = { service: 'checkout', metric: 'latency_p95_ms', instance: null, from: '2026-03-01T08:45:00.000Z', to: '2026-03-01T10:00:00.000Z', stepSeconds: 60, points: [
      { t: '2026-03-01T09:00:00.000Z', min: 90, avg: 100, max: 110, n: 6 },
      { t: '2026-03-01T09:50:00.000Z', min: 280, avg: 300, max: 340, n: 6 },
    ], summary: { min: 90, max: 340, mean: 200, last: 300, before: { mean: 100 }, after: { mean: 300 } } };
    const q = 'show me the p95 latency for checkout';
    const v = view(q, { runs: [run('query_metric', { service: 'checkout', incidentId: INC, metric: 'latency_p95_ms' }, ok(data, [['met_abc', 'metric']]))] });
    const out = text(decide(v));
    expect(out).toContain('latency_p95_ms of checkout, 2026-03-01T08:45:00.000Z to 2026-03-01T10:00:00.000Z (2 points of 60 s): min 90.0, mean 200, max 340, last 300 [met_abc].');
    expect(out).toContain('Before the incident started the mean was 100; since then it is 300 (×3.0) [met_abc].');
    expect(out).toContain('Peak 340 at 2026-03-01T09:50:00.000Z [met_abc].');
  });

  it('metric: an unknown name → the closest one the tool lists, called again; nothing close → asks back', () => {
    const q = 'show me the p95 latency for checkout';
    const first = run('query_metric', { service: 'checkout', incidentId: INC, metric: 'latency_p95_ms' }, err('Unknown metric latency_p95_ms for checkout. Metrics of checkout: http_server_duration_p95_seconds, http_server_duration_p50_seconds, process_cpu_seconds'));
    expect(calls(decide(view(q, { runs: [first] })))).toEqual([{ name: 'query_metric', args: { service: 'checkout', incidentId: INC, metric: 'http_server_duration_p95_seconds' } }]);
    const none = run('query_metric', { service: 'checkout', incidentId: INC, metric: 'cpu_utilization' }, err('Unknown metric cpu_utilization for checkout. Metrics of checkout: queue_depth_total, kafka_lag_messages'));
    expect(text(decide(view('plot cpu for checkout', { runs: [none] })))).toBe('checkout has no metric called cpu_utilization. Which one do you mean: queue_depth_total, kafka_lag_messages?');
  });

  it('metric: no service named → reads the incident\'s service first; no metric named → asks which', () => {
    expect(calls(decide(view('graph the error rate')))).toEqual([{ name: 'get_incident', args: { incidentId: INC } }]);
    const got = run('get_incident', { incidentId: INC }, ok({ incident }, [[INC, 'incident']]));
    expect(calls(decide(view('graph the error rate', { runs: [got] })))).toEqual([{ name: 'query_metric', args: { service: 'checkout', incidentId: INC, metric: 'http_error_rate' } }]);
    expect(text(decide(view('show me the metrics', { runs: [got] })))).toMatch(/^Which metric of checkout do you mean\?/);
  });

  it('logs: templates with counts, levels, novelty and a masked exemplar, each cited', () => {
    const data = { templates: [{ id: 'tpl_1', service: 'checkout', template: 'NullPointerException at PaymentClient.charge(<*>)', count: 1204, firstSeen: '2026-03-01T09:41:00.000Z', lastSeen: '2026-03-01T09:59:00.000Z', levels: { error: 1204 }, novel: true, exemplars: ['NullPointerException at PaymentClient.charge(42). Retrying'] }] };
    const v = view('any new errors in the logs?', { runs: [run('search_log_templates', { incidentId: INC, level: 'error', novelOnly: true }, ok(data, [['tpl_1', 'log_template']]))] });
    expect(text(decide(v))).toBe(
      [
        'Log templates new error-level in this incident:',
        '- checkout: `NullPointerException at PaymentClient.charge(<*>)`: 1204 lines (1204 error), 2026-03-01T09:41:00.000Z to 2026-03-01T09:59:00.000Z, new in this incident [tpl_1]',
        '  e.g. `NullPointerException at PaymentClient.charge(42); Retrying` [tpl_1]',
      ].join('\n'),
    );
  });

  it('anomalies, changes and blast radius cite their own rows', () => {
    const anomalies = { anomalies: [{ id: 'an_1', at: '2026-03-01T09:44:00.000Z', service: 'checkout', series: 'http_error_rate', detector: 'robust_z', score: 9.5, severity: 'sev2', summary: 'error rate 12% vs 0.3%' }] };
    expect(text(decide(view('any anomalies?', { runs: [run('list_anomalies', { incidentId: INC }, ok(anomalies, [['an_1', 'anomaly']]))] })))).toBe(
      'Anomalies in this incident, newest first:\n- 2026-03-01T09:44:00.000Z: checkout http_error_rate: error rate 12% vs 0.3% (score 9.50, sev2, robust_z) [an_1]',
    );
    const changes = { changes: [{ id: 'sig_1', changeId: 'dep-42', at: '2026-03-01T09:40:00.000Z', kind: 'deploy', key: 'checkout@v42', service: 'checkout', text: 'deploy checkout v42' }] };
    expect(text(decide(view('what changed?', { runs: [run('list_changes', { incidentId: INC }, ok(changes, [['sig_1', 'change']]))] })))).toBe(
      'Changes around this incident, oldest first:\n- 2026-03-01T09:40:00.000Z: deploy checkout@v42: deploy checkout v42 (change dep-42) [sig_1]',
    );
    const blast = { incident, origin: 'payments', impacted: [{ service: 'checkout', depth: 1, via: ['payments', 'checkout'], entryPoint: false }, { service: 'frontend', depth: 2, via: ['payments', 'checkout', 'frontend'], entryPoint: true }], analysisId: 'an_rca_1' };
    const out = text(decide(view('who is affected?', { runs: [run('blast_radius', { incidentId: INC }, ok(blast, [['an_rca_1', 'analysis'], [INC, 'incident']]))] })));
    expect(out).toBe(
      [
        'Blast radius of **Checkout 5xx errors** from payments: 2 impacted services [an_rca_1].',
        '- checkout: depth 1 via payments → checkout [an_rca_1]',
        '- frontend: depth 2 via payments → checkout → frontend, customer-facing entry point [an_rca_1]',
        'Customer-facing services impacted: frontend [an_rca_1].',
      ].join('\n'),
    );
    expect(text(decide(view('who is affected?', { runs: [run('blast_radius', { incidentId: INC }, noData(null))] })))).toMatch(/^No analysis is stored for incident .* Ask me to "analyze it"/);
  });

  it('why not: the verdict, reasons, evidence for and against, and the top suspect; unknown service → the tool\'s list; no analysis → root_cause', () => {
    const data = { service: 'payments', rank: 3, score: 0.12, verdict: 'ruled_out', reasons: ['payments error rate stayed at baseline'], supporting: [{ id: 'ev_7', summary: 'payments p95 +10%' }], against: [{ summary: 'no payments deploy' }], top: { service: 'checkout', statement: 'checkout v42 deploy' }, analysisId: 'an_rca_1' };
    const v = view('why not payments?', { runs: [run('explain_why_not', { incidentId: INC, service: 'payments' }, ok(data, [['an_rca_1', 'analysis'], ['ev_7', 'evidence']]))] });
    expect(text(decide(v))).toBe(
      [
        'payments was ruled out (rank 3, score 0.120) [an_rca_1].',
        '- payments error rate stayed at baseline [an_rca_1]',
        '- For payments: payments p95 +10% [ev_7]',
        '- Against payments: no payments deploy [an_rca_1]',
        'The top suspect is checkout: checkout v42 deploy [an_rca_1].',
      ].join('\n'),
    );
    const unknown = run('explain_why_not', { incidentId: INC, service: 'kafka' }, err('The analysis never saw kafka. Services it saw: checkout, payments, frontend.'));
    expect(text(decide(view('is it kafka?', { runs: [unknown] })))).toBe('I could not read that: The analysis never saw kafka. Services it saw: checkout, payments, frontend.');
    const none = run('explain_why_not', { incidentId: INC, service: 'payments' }, noData(null));
    expect(calls(decide(view('why not payments?', { runs: [none] })))).toEqual([{ name: 'root_cause', args: { incidentId: INC } }]);
    expect(text(decide(view('why not payments?', { runs: [none, rootCauseRun] })))).toMatch(/^No analysis is stored .*\npayments was ruled out: payments error rate stayed at baseline \[hy_1\]\.$/);
  });

  it('analysis: fresh or stored, verdict, top hypothesis and ranking; a read-only asker is told why not', () => {
    const data = { analysisId: 'an_rca_1', verdict: 'confident', window: { from: '2026-03-01T08:45:00.000Z', to: '2026-03-01T10:00:00.000Z' }, ranking: [{ rank: 1, service: 'checkout', score: 0.91, confidence: 0.82, summary: 'errors began after the v42 deploy' }, { rank: 2, service: 'auth', score: 0, summary: 'nothing' }, { rank: 3, service: 'search', score: 0, summary: 'nothing' }], topHypothesis: { id: 'hy_1', statement: 'checkout v42 deploy', confidence: 0.82 }, correlations: [{ changeId: 'dep-42', service: 'checkout', kind: 'deploy', summary: 'deploy 4 min before' }], notes: [], storedAt: '2026-03-01T10:00:01.000Z', fresh: true };
    const out = text(decide(view('analyze this incident', { runs: [run('analyze_incident', { incidentId: INC }, ok(data, [['an_rca_1', 'analysis'], ['hy_1', 'hypothesis']]))] })));
    expect(out.split('\n')).toEqual([
      'I ran the analysis (2026-03-01T08:45:00.000Z to 2026-03-01T10:00:00.000Z, stored 2026-03-01T10:00:01.000Z): verdict confident [an_rca_1].',
      'Top hypothesis: checkout v42 deploy (confidence 0.82) [hy_1].',
      'Ranking:',
      '1. checkout: score 0.910, confidence 0.82: errors began after the v42 deploy [an_rca_1]',
      '2 other services scored 0 (no anomaly, change or error that points at them).',
      '- Correlated deploy on checkout (change dep-42): deploy 4 min before [an_rca_1]',
    ]);
    const denied = run('analyze_incident', { incidentId: INC }, err("Running an analysis needs the 'plan' scope; you have read only. Ask root_cause for what is stored."));
    expect(text(decide(view('analyze this incident', { runs: [denied] })))).toMatch(/^I could not read that: Running an analysis needs the 'plan' scope/);
  });

  it('similar incidents with how they were fixed; a draft fix plan says it is a draft and stored nothing', () => {
    const past = { ...incident, id: OTHER, title: 'Checkout errors after deploy', status: 'resolved' };
    const sim = { incident, similar: [{ incident: past, score: 0.74, shared: { services: ['checkout'], templates: ['t1'], changeKinds: ['deploy'] }, fix: { planId: 'fp_1', title: 'Roll back checkout', status: 'succeeded', steps: ['kubectl rollout undo deploy/checkout'] } }] };
    const out = text(decide(view('have we seen this before?', { runs: [run('similar_incidents', { incidentId: INC }, ok(sim, [[INC, 'incident'], [OTHER, 'incident']]))] })));
    expect(out).toContain(`similarity 0.74 (shared: services checkout; change kinds deploy; 1 log template) [${OTHER}].`);
    expect(out).toContain(`  Fixed with plan "Roll back checkout" (succeeded): kubectl rollout undo deploy/checkout [${OTHER}].`);
    const draft = { draft: { title: 'Roll back checkout to v41', risk: 'medium', steps: [{ description: 'Undo the rollout', command: 'kubectl -n default rollout undo deploy/checkout', rollback: 'kubectl -n default rollout undo deploy/checkout' }] }, why: 'The v42 deploy is the top hypothesis', stored: false };
    const d = text(decide(view('draft a fix plan', { runs: [run('draft_fix_plan', { incidentId: INC }, ok(draft, [[INC, 'incident'], ['sig_1', 'change']]))] })));
    expect(d.split('\n')).toEqual([
      'This is a draft only: nothing was stored or run. To act on it, create the plan with the `plan` command; it then needs a permitted person\'s approval.',
      `Draft: **Roll back checkout to v41** (risk medium) [${INC}].`,
      'Why: The v42 deploy is the top hypothesis [sig_1].',
      `1. Undo the rollout (\`kubectl -n default rollout undo deploy/checkout\`), rollback \`kubectl -n default rollout undo deploy/checkout\` [${INC}]`,
    ]);
    expect(calls(decide(view('draft a fix plan for namespace shop')))).toEqual([{ name: 'draft_fix_plan', args: { incidentId: INC, namespace: 'shop' } }]);
  });

  it('summary: impact, cause, spread, changes and the latest event, each cited', () => {
    const blast = { incident, origin: 'checkout', impacted: [{ service: 'frontend', depth: 1, via: null, entryPoint: true }], analysisId: 'an_rca_1' };
    const changes = { changes: [{ id: 'sig_1', changeId: 'dep-42', at: '2026-03-01T09:40:00.000Z', kind: 'deploy', key: 'checkout@v42', service: 'checkout', text: null }] };
    const tl = { incident, events: [{ at: '2026-03-01T09:50:00.000Z', kind: 'analysis', summary: 'analysis: confident, checkout', id: 'an_rca_1' }] };
    const runs = [
      rootCauseRun,
      run('blast_radius', { incidentId: INC }, ok(blast, [['an_rca_1', 'analysis']])),
      run('list_changes', { incidentId: INC }, ok(changes, [['sig_1', 'change']])),
      run('incident_timeline', { incidentId: INC }, ok(tl, [[INC, 'incident'], ['an_rca_1', 'analysis']])),
    ];
    expect(text(decide(view('write a summary for stakeholders', { runs }))).split('\n')).toEqual([
      `Summary for stakeholders: **Checkout 5xx errors** [${INC}].`,
      `Impact: checkout is affected at sev2; the incident is open since 2026-03-01T09:45:00.000Z [${INC}].`,
      'Most likely cause so far: The checkout v42 deploy broke PaymentClient (confidence 0.82) [hy_1].',
      'Spread: 1 service impacted from checkout, customer-facing: frontend [an_rca_1].',
      'Changes around the start: deploy checkout@v42 at 2026-03-01T09:40:00.000Z [sig_1].',
      'Latest: 2026-03-01T09:50:00.000Z: analysis: analysis: confident, checkout [an_rca_1].',
    ]);
  });
});

describe('fallbacks when the registry holds only the core tools', () => {
  const core = (q: string, runs: ToolRun[] = []) => view(q, { tools: CORE, runs });
  it.each([
    ['what happened?', { name: 'incident_evidence', args: { incidentId: INC } }],
    ['what changed?', { name: 'incident_evidence', args: { incidentId: INC, kind: 'change' } }],
    ['any anomalies?', { name: 'incident_evidence', args: { incidentId: INC } }],
    ['show me the logs', { name: 'incident_evidence', args: { incidentId: INC } }],
    ['plot the p95 latency', { name: 'incident_evidence', args: { incidentId: INC } }],
    ['who is affected?', { name: 'incident_evidence', args: { incidentId: INC } }],
    ['why not payments?', { name: 'root_cause', args: { incidentId: INC } }],
    ['analyze this incident', { name: 'root_cause', args: { incidentId: INC } }],
    ['have we seen this before?', { name: 'search_knowledge', args: { incidentId: INC } }],
    ['draft a fix plan', { name: 'search_knowledge', args: { incidentId: INC } }],
  ])('%s → %j', (q, call) => expect(calls(decide(core(q)))).toEqual([call]));

  it('answers from the evidence of the right kind, cited, and says what it cannot do', () => {
    expect(text(decide(core('show me the logs', [evidenceRun()])))).toBe(`Log clusters recorded as evidence [${INC}]:\n- NullPointerException in PaymentClient; Retrying [ev_2]`);
    expect(text(decide(core('any anomalies?', [evidenceRun()])))).toBe(`Anomalies recorded as evidence [${INC}]:\n- checkout 5xx rate 12% [ev_3]`);
    expect(text(decide(core('plot the p95 latency', [evidenceRun()])))).toBe(
      `I can't show metric series here (the query_metric tool is not available to me).\nMetric changes recorded as evidence [${INC}]:\n- checkout 5xx rate 12% [ev_3]\n- checkout latency p95 ×3 [ev_4]`,
    );
    expect(text(decide(core('analyze this incident', [rootCauseRun])))).toMatch(/^I can't run an analysis from here \(the analyze_incident tool is not available to me\); this is what is stored\.\nRoot-cause hypotheses/);
    expect(text(decide(view('show me the logs for checkout', { focus: null, tools: CORE })))).toBe("I can't search logs here: the search_log_templates tool is not available to me.");
  });

  it('summary without the new tools: root_cause and incident_evidence', () => {
    expect(calls(decide(core('write a summary for stakeholders')))).toEqual([
      { name: 'root_cause', args: { incidentId: INC } },
      { name: 'incident_evidence', args: { incidentId: INC } },
    ]);
  });
});

describe('ambiguity and what it does not know', () => {
  const open = run('list_incidents', { status: 'open' }, ok({ incidents: [incident, { ...incident, id: OTHER, title: 'Search slow', service: 'search' }] }, [[INC, 'incident'], [OTHER, 'incident']]));
  it('no incident in view: lists the open ones first, then picks by the service named or asks which', () => {
    expect(calls(decide(view('what happened?', { focus: null })))).toEqual([{ name: 'list_incidents', args: { status: 'open' } }]);
    expect(calls(decide(view('what is the blast radius of the search incident?', { focus: null, runs: [open] })))).toEqual([{ name: 'blast_radius', args: { incidentId: OTHER } }]);
    expect(text(decide(view('what happened?', { focus: null, runs: [open] })))).toMatch(/^Several incidents are open:\n.*\n.*\nWhich one do you mean\? Give its id or service\.$/);
    expect(text(decide(view('draft a fix plan for billing', { focus: null, runs: [open] })))).toMatch(/^No open incident matches "billing"\. Open incidents:/);
  });
  it('an incident id anywhere in the question wins over the focus', () => {
    expect(calls(decide(view(`any anomalies in ${OTHER.toLowerCase()}?`)))).toEqual([{ name: 'list_anomalies', args: { incidentId: OTHER } }]);
  });
  it('a service named with no incident in view: that service\'s data', () => {
    expect(calls(decide(view('show me error logs for payments', { focus: null })))).toEqual([{ name: 'search_log_templates', args: { service: 'payments', level: 'error' } }]);
    expect(calls(decide(view('what changed on inventory?', { focus: null })))).toEqual([{ name: 'list_changes', args: { service: 'inventory' } }]);
    expect(calls(decide(view('plot cpu of orders', { focus: null })))).toEqual([{ name: 'query_metric', args: { service: 'orders', metric: 'cpu_utilization' } }]);
  });
  it('says plainly what it cannot answer, and composes only from what ran once the budget is spent', () => {
    expect(text(decide(view('sing me a song')))).toMatch(/^I don't know how to answer that\. I can answer: /);
    expect(text(decide(view('who is affected?', { composeOnly: true, tools: [] })))).toBe("I don't have what I need to answer that yet; ask again.");
    const failedTool = run('incident_timeline', { incidentId: INC }, err('No incident 01JQRS0000000000000000000A. Recent incidents: none.'));
    expect(text(decide(view('what happened?', { runs: [failedTool] })))).toBe('I could not read that: No incident 01JQRS0000000000000000000A. Recent incidents: none.');
  });
});
