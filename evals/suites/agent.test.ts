/** The agent eval's cases and scoring, without replaying anything: the data is sound and each check can fail. */
import { describe, expect, it } from 'vitest';
import { classify } from '../../agent/planner/intents.js';
import { loadScenario } from '../../sim/edge/library.js';
import type { GroundTruthDoc } from '../../sim/generate.js';
import { AGENT_CASES, AGENT_SCENARIOS } from './agent-cases.js';
import { fill, hasFact, scoreAnswer, summarizeScores } from './agent.js';

/** The tool names of notes/tool-contracts.md and the core tools. */
const CONTRACT_TOOLS = ['list_incidents', 'get_incident', 'root_cause', 'incident_evidence', 'search_knowledge', 'incident_timeline', 'list_anomalies', 'search_log_templates', 'query_metric', 'list_changes', 'blast_radius', 'analyze_incident', 'explain_why_not', 'similar_incidents', 'draft_fix_plan'];
const KINDS = ['incident', 'evidence', 'hypothesis', 'anomaly', 'change', 'knowledge', 'log_template', 'metric', 'analysis'];

describe('the cases', () => {
  it('are at least 60, with unique ids, known tools and citation kinds, on library scenarios, ≥ 3 per intent', () => {
    expect(AGENT_CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(AGENT_CASES.map((c) => c.id)).size).toBe(AGENT_CASES.length);
    for (const c of AGENT_CASES) {
      expect(c.tools.every((t) => CONTRACT_TOOLS.includes(t)), c.id).toBe(true);
      expect(c.citations.every((k) => KINDS.includes(k)), c.id).toBe(true);
      expect(AGENT_SCENARIOS.some((s) => s.id === c.scenario), c.id).toBe(true);
    }
    for (const s of AGENT_SCENARIOS) expect(loadScenario(s.id).faults.length).toBeGreaterThan(0);
    const perIntent = new Map<string, number>();
    for (const c of AGENT_CASES) perIntent.set(c.intent, (perIntent.get(c.intent) ?? 0) + 1);
    expect([...perIntent.values()].every((n) => n >= 3)).toBe(true);
  });

  it('are phrased so that the planner reads the intent the case is labelled with', () => {
    const inc = { truth: { faults: [{ start: '2026-01-01T00:00:00Z', root_cause_service: 'checkout', change: null }] } as unknown as GroundTruthDoc, entry: 'edge-gateway', other: 'payments' };
    const wrong = AGENT_CASES.filter((c) => classify(fill(c.question, inc)) !== c.intent).map((c) => `${c.id}: ${c.question} → ${classify(fill(c.question, inc))}`);
    expect(wrong).toEqual([]);
  });
});

describe('scoring', () => {
  const truth = { faults: [{ start: '2026-01-01T00:40:00Z', root_cause_service: 'checkout', change: { kind: 'deploy', to: 'v2.14.1' } }] } as unknown as GroundTruthDoc;
  it('fills the ground truth into questions and facts', () => {
    expect(fill('why not {other}? {root} {version} {entry}', { truth, entry: 'edge-gateway', other: 'payments' })).toBe('why not payments? checkout v2.14.1 edge-gateway');
  });
  it('matches facts as text (any case) or /regex/', () => {
    expect(hasFact('Top: Checkout deploy', 'checkout')).toBe(true);
    expect(hasFact('verdict confident', '/verdict (confident|abstain)/')).toBe(true);
    expect(hasFact('no such thing', 'checkout')).toBe(false);
  });
  const c = { id: 'x#1', intent: 'root_cause', tools: ['root_cause'], citations: ['hypothesis'] };
  const good = { answer: 'checkout deploy [1].', citations: [{ id: 'h', kind: 'hypothesis' as const, title: '', ref: '' }], toolCalls: [{ tool: 'root_cause', status: 'ok' }] };
  const opts = { registry: ['root_cause'], dangling: 0, ms: 10 };
  it('passes an answer with the tools, facts, citations and nothing dangling', () => {
    expect(scoreAnswer(c, ['checkout'], good, opts)).toMatchObject({ pass: true, answerable: true, missingTools: [], missingFacts: [], uncited: false, missingKinds: [] });
  });
  it.each([
    ['a tool not called', { ...good, toolCalls: [] }, opts, { missingTools: ['root_cause'] }],
    ['a tool that failed', { ...good, toolCalls: [{ tool: 'root_cause', status: 'error' }] }, opts, { missingTools: ['root_cause'] }],
    ['a missing fact', { ...good, answer: 'payments [1].' }, opts, { missingFacts: ['checkout'] }],
    ['an unsupported sentence', { ...good, answer: 'checkout 5xx rose. (unsupported: no stored evidence cited)' }, opts, { uncited: true }],
    ['a removed causal sentence', { ...good, answer: 'checkout.\n\n(1 statement about causes removed: no stored evidence was cited for it.)' }, opts, { uncited: true }],
    ['a missing citation kind', { ...good, citations: [] }, opts, { missingKinds: ['hypothesis'] }],
    ['a dangling citation', good, { ...opts, dangling: 1 }, { dangling: 1 }],
  ])('fails %s', (_name, r, o, part) => expect(scoreAnswer(c, ['checkout'], r, o)).toMatchObject({ pass: false, ...part }));
  it('counts a case needing a tool the registry lacks as not answerable', () => {
    expect(scoreAnswer({ ...c, tools: ['explain_why_not'] }, [], good, opts).answerable).toBe(false);
  });
  it('summarizes pass rates overall and over the answerable cases, latency quantiles, dangling', () => {
    const s = (pass: boolean, answerable: boolean, ms: number, dangling = 0) => ({ id: 'x', intent: 'i', answerable, called: [], missingTools: [], missingFacts: [], uncited: false, missingKinds: [], dangling, pass, ms });
    const m = summarizeScores([s(true, true, 10), s(false, true, 20, 2), s(false, false, 30), s(true, true, 40)]);
    expect(m).toMatchObject({ cases: 4, passed: 2, pass_rate: 0.5, answerable_cases: 3, pass_rate_answerable: 2 / 3, dangling_citations: 2, latency_p50_ms: 20, latency_p95_ms: 40 });
  });
});
