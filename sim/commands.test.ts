/** The CLI functions of app/commands/sim.ts (list, inject, export) as a user sees them. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimExport, runSimInject, runSimList } from '../app/commands/sim.js';
import { traceIdOf } from '../rca/trace-patterns.js';

const capture = () => {
  let text = '';
  return { out: (s: string) => void (text += s), text: () => text };
};

describe('sim commands', () => {
  let server: Server;
  let url = '';
  const seen: { auth?: string; body: Record<string, unknown> }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (b) => (raw += b));
      req.on('end', () => {
        const body = JSON.parse(raw);
        seen.push({ auth: req.headers.authorization, body });
        res.setHeader('content-type', 'application/json');
        if (body.service === 'nope') {
          res.statusCode = 422;
          res.end(JSON.stringify({ detail: 'Cannot inject bad_node: unknown service', errors: [{ path: 'service', message: 'unknown service "nope"' }] }));
          return;
        }
        res.statusCode = 201;
        res.end(JSON.stringify({ id: 'live-1', kind: body.kind, title: 'One bad node or shard', root_cause_service: body.service ?? 'search', instance: 'search-1', change: null, start: '2026-03-03T10:00:00.000Z', symptoms_from: '2026-03-03T10:00:00.000Z', moves: [{ key: 'latency_p95_ms', direction: 'up', scope: 'instance' }], remedy: { action: 'restart', service: 'search', instance: 'search-1' }, heals_after_s: 70 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('lists scenarios and fault kinds', async () => {
    const c = capture();
    expect(await runSimList({ out: c.out })).toBe(0);
    expect(c.text()).toMatch(/Scenarios \(\d+\)/);
    expect(c.text()).toContain('calm-week');
    expect(c.text()).toContain('cache_eviction_storm');
    const j = capture();
    await runSimList({ json: true, out: j.out });
    expect(JSON.parse(j.text()).fault_kinds).toHaveLength(14);
  });

  it('injects through POST /v1/sim/faults and explains the answer', async () => {
    const c = capture();
    expect(await runSimInject('bad_node', { service: 'search', url, key: 'wr_test_key_123456789012345', out: c.out })).toBe(0);
    expect(seen.at(-1)).toMatchObject({ auth: 'Bearer wr_test_key_123456789012345', body: { kind: 'bad_node', service: 'search' } });
    expect(c.text()).toMatch(/Injected bad_node .* into search\/search-1/);
    expect(c.text()).toMatch(/heals with: \{"action":"restart"/);
    const err = capture();
    expect(await runSimInject('bad_node', { service: 'nope', url, key: 'k'.repeat(24), out: c.out, err: err.out })).toBe(2);
    expect(err.text()).toMatch(/service: unknown service "nope"/);
    expect(await runSimInject('meteor', { url, key: 'k'.repeat(24), err: err.out })).toBe(2);
    expect(err.text()).toMatch(/unknown fault kind "meteor" \(known: bad_deploy_errors/);
  });

  it('exports a library scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warroom-sim-cli-'));
    try {
      const c = capture();
      expect(await runSimExport('external-outage-short-blip', { out: dir, logsPerMin: 200, print: c.out })).toBe(0);
      expect(readdirSync(dir).sort()).toEqual(['case.json', 'events.jsonl', 'ground-truth.json', 'logs.jsonl', 'metrics.csv', 'scenario.json', 'topology.json']);
      expect(c.text()).toMatch(/ground truth: external_outage on payment-provider/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports sampled requests that log with their trace id, on request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warroom-sim-cli-'));
    try {
      const c = capture();
      expect(await runSimExport('external-outage-short-blip', { out: dir, logsPerMin: 100, tracesPerMin: 30, traceLogs: true, print: c.out })).toBe(0);
      expect(readdirSync(dir)).toContain('spans.jsonl');
      const lines = readFileSync(join(dir, 'logs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { message: string });
      const byTrace = new Map<string, number>();
      for (const l of lines) {
        const id = traceIdOf(l.message);
        if (id) byTrace.set(id, (byTrace.get(id) ?? 0) + 1);
      }
      // requests: many lines share each trace id
      expect([...byTrace.values()].filter((n) => n >= 4).length).toBeGreaterThan(100);
      // without sampled requests there is nothing to log; a bad rate is refused
      const err = capture();
      expect(await runSimExport('external-outage-short-blip', { out: dir, traceLogs: true, print: c.out, err: err.out })).toBe(2);
      expect(err.text()).toMatch(/--trace-logs needs sampled requests/);
      expect(await runSimExport('external-outage-short-blip', { out: dir, tracesPerMin: -3, print: c.out, err: err.out })).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
