import { describe, expect, it } from 'vitest';
import type { Incident } from '../core/schemas.js';
import { analysisContext } from './incident-context.js';
import { buildQuery } from './query.js';

const RESULT = {
  verdict: 'confident',
  ranking: [{ service: 'postgres' }, { service: 'orders' }],
  metricDeltas: [
    { service: 'postgres', metric: 'disk_used_pct', z: 12 },
    { service: 'postgres', metric: 'write_latency_ms', z: 6 },
    { service: 'postgres', metric: 'connections', z: -4 },
    { service: 'postgres', metric: 'cpu', z: 1.5 },
    { service: 'edge-gateway', metric: 'error_rate', z: 30 },
  ],
  logClusters: [
    { service: 'postgres', top: [
      { template: 'checkpoint complete <*>', before: 50, during: 40, level: 'info' },
      { template: 'could not extend file <*>: No space left on device', before: 0, during: 80, novel: true, level: 'ERROR' },
      { template: 'autovacuum launcher started', before: 1, during: 3, level: 'info' },
    ] },
    { service: 'edge-gateway', top: [{ template: 'GET /api/<*> HTTP/1.1 Mozilla/5.0 <*>', before: 900, during: 1200, level: 'info' }] },
  ],
  correlations: [{ service: 'postgres', kind: 'config', key: 'wal_keep_size', likelihood: 0.4 }, { service: 'orders', kind: 'deploy', key: 'orders@2.1', likelihood: 0.9 }],
};

describe('analysisContext', () => {
  it("keeps what the analysis found about the blamed service: moved metrics with their direction, growing templates (errors first), its changes", () => {
    expect(analysisContext(RESULT)).toEqual({
      service: 'postgres',
      metrics: ['disk_used_pct high', 'write_latency_ms high', 'connections low'],
      templates: ['could not extend file <*>: No space left on device', 'autovacuum launcher started'],
      changes: ['config wal_keep_size'],
    });
  });

  it('is null without a confident verdict or a ranking', () => {
    expect(analysisContext({ ...RESULT, verdict: 'no confident hypothesis' })).toBeNull();
    expect(analysisContext({ verdict: 'confident', ranking: [] })).toBeNull();
    expect(analysisContext(null)).toBeNull();
  });
});

describe('buildQuery with an analysis', () => {
  const incident = { id: 'i1', title: 'customers see errors', service: 'edge-gateway' } as Incident;
  const ctx = { incident, templates: ['GET /api/<*> HTTP/1.1 Mozilla/5.0 Chrome'], alerts: ['EdgeGatewayErrors'] };

  it("leads with the analysis and leaves the entry service's own logs out", () => {
    const q = buildQuery(undefined, { ...ctx, analysis: analysisContext(RESULT) });
    expect(q.terms.slice(0, 4)).toEqual(['postgres', 'disk', 'used', 'pct']);
    expect(q.terms).toContain('high');
    expect(q.text).toContain('No space left on device');
    expect(q.terms).not.toContain('mozilla');
    expect(q.terms).not.toContain('edgegatewayerrors');
  });

  it('falls back to the incident itself without one', () => {
    const q = buildQuery(undefined, { ...ctx, analysis: null });
    expect(q.terms).toContain('mozilla');
    expect(q.terms[0]).toBe('customers');
  });
});
