import { describe, expect, it } from 'vitest';
import type { Incident } from '../core/schemas.js';
import { analysisContext, severity, troubleDirection } from './incident-context.js';
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
  it("keeps what the analysis found about the blamed service: moved metrics with their direction, its growing error lines, its changes", () => {
    expect(analysisContext(RESULT)).toEqual({
      service: 'postgres',
      metrics: ['disk_used_pct high', 'write_latency_ms high', 'connections low'],
      templates: ['could not extend file <*>: No space left on device'],
      changes: ['config wal_keep_size'],
    });
  });

  // A service whose certificate expired: its traffic, errors and CPU fall (callers never reach it),
  // it logs nothing, and its callers log the failure naming it.
  const QUIET = {
    verdict: 'confident',
    ranking: [{ service: 'auth' }],
    metricDeltas: [
      { service: 'auth', metric: 'http_error_rate', z: -18 },
      { service: 'auth', metric: 'tls_cert_expiry_seconds', z: -40 },
      { service: 'auth', metric: 'http_requests_per_s', z: -12 },
      { service: 'auth', metric: 'cpu_utilization', z: -17 },
      { service: 'auth', metric: 'cache_hit_ratio', z: 5 },
    ],
    logClusters: [
      { service: 'auth', top: [{ template: 'token issued for <*>', before: 40, during: 55, level: 'info' }] },
      { service: 'frontend', top: [
        { template: 'request to auth failed: certificate has expired (CERT_HAS_EXPIRED)', before: 0, during: 21, novel: true, level: 'error' },
        { template: 'oauth2 session refresh failed for <*>', before: 0, during: 30, novel: true, level: 'error' },
        { template: 'GET /auth/callback <*>', before: 10, during: 30, level: 'info' },
      ] },
      { service: 'edge-gateway', top: [{ template: '<:TS:> [error] upstream timed out calling http://auth.shop.svc:8080', before: 0, during: 5, novel: true, level: null }] },
    ],
  };

  it('counts a metric only in the direction that means trouble for it (request rates either way)', () => {
    expect(analysisContext(QUIET)!.metrics).toEqual(['tls_cert_expiry_seconds low', 'http_requests_per_s low']);
  });

  it("describes a service that logs nothing by its callers' new error lines that name it (as a word)", () => {
    expect(analysisContext(QUIET)!.templates).toEqual([
      'request to auth failed: certificate has expired (CERT_HAS_EXPIRED)',
      '<:TS:> [error] upstream timed out calling http://auth.shop.svc:8080',
    ]);
  });

  it("leaves callers' lines out when the service logs its own errors", () => {
    const own = { ...QUIET, logClusters: [{ service: 'auth', top: [{ template: 'TLS handshake error: certificate expired', before: 0, during: 9, novel: true, level: 'ERROR' }] }, ...QUIET.logClusters] };
    expect(analysisContext(own)!.templates).toEqual(['TLS handshake error: certificate expired']);
  });

  it('is null without a confident verdict or a ranking', () => {
    expect(analysisContext({ ...RESULT, verdict: 'no confident hypothesis' })).toBeNull();
    expect(analysisContext({ verdict: 'confident', ranking: [] })).toBeNull();
    expect(analysisContext(null)).toBeNull();
  });
});

describe('troubleDirection and severity', () => {
  it('reads the direction of trouble from the metric name', () => {
    expect(['http_error_rate', 'latency_p95_ms', 'memory_utilization', 'restarts_total', 'cache_evictions_per_s', 'disk_utilization'].map(troubleDirection)).toEqual(['up', 'up', 'up', 'up', 'up', 'up']);
    expect(['cache_hit_ratio', 'probe_success', 'tls_cert_expiry_seconds', 'disk_free_bytes'].map(troubleDirection)).toEqual(['down', 'down', 'down', 'down']);
    expect(['http_requests_per_s', 'db_connections'].map(troubleDirection)).toEqual([null, null]);
    expect(['lb_unhealthy_hosts', 'pods_not_ready'].map(troubleDirection)).toEqual(['up', 'up']);
  });

  it('takes the parsed level, else a level written in the line', () => {
    expect(severity({ level: 'WARN', template: 'x' })).toBe(1);
    expect(severity({ level: 'info', template: 'ERROR in the message is not the level' })).toBe(2);
    expect(severity({ level: null, template: 'UTC [<*>] app@db ERROR: write failed: No space left on device' })).toBe(0);
    expect(severity({ level: null, template: '<:TS:> [warning] disk usage above <*>' })).toBe(1);
    expect(severity({ level: null, template: 'GET /errors/page 200' })).toBe(2);
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

  it("leaves the incident's title out: it states the symptom every cause shares", () => {
    const q = buildQuery(undefined, { ...ctx, analysis: analysisContext(RESULT) });
    expect(q.terms).not.toContain('customers');
    expect(q.text).not.toContain('customers see errors');
  });

  it("keeps the user's own words first", () => {
    const q = buildQuery('wal archive', { ...ctx, analysis: analysisContext(RESULT) });
    expect(q.terms.slice(0, 3)).toEqual(['wal', 'archive', 'postgres']);
  });

  it('falls back to the incident itself without one', () => {
    const q = buildQuery(undefined, { ...ctx, analysis: null });
    expect(q.terms).toContain('mozilla');
    expect(q.terms[0]).toBe('customers');
  });
});
