/**
 * The contract every DetectionHost (core/ports/detection-host.ts) must pass, run by
 * detect-host.test.ts on the inline host and the worker-thread host: a host is observably the
 * engine it hosts — same findings for the same batches, state out and back in, SLOs applied,
 * orgs kept apart, and a failed call leaves the host usable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Signal } from '../core/schemas.js';
import { DETECTORS, DetectionEngine, type EngineState } from '../detectors/stream/engine.js';
import type { EngineHost } from './detect-host.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2);

const metric = (org: string, t: number, key: string, value: number, labels: Record<string, string> = { service: 'cart' }): Signal => ({
  id: `${org}-${key}-${t}`,
  orgId: org,
  source: 'test',
  kind: 'metric',
  ts: new Date(t).toISOString(),
  key,
  value,
  text: null,
  labels,
  meta: {},
});
const log = (org: string, t: number, text: string, service = 'cart'): Signal => ({ id: `${org}-log-${t}`, orgId: org, source: 'test', kind: 'log', ts: new Date(t).toISOString(), key: service, value: null, text, labels: { service }, meta: {} });

/** Calm minutes of an error rate and latency, a log line each, then a burst of new errors. */
function batches(org: string): Signal[][] {
  const calm: Signal[] = [];
  for (let m = 0; m < 180; m++) {
    const t = T0 + m * MIN;
    calm.push(metric(org, t, 'http_error_rate', 0.002 + 0.0005 * Math.sin(m / 7)), metric(org, t, 'latency_p95_ms', 120 + 5 * Math.sin(m / 5)));
    calm.push(log(org, t + 1, `GET /api/cart 200 ${20 + (m % 9)}ms user=${m % 13}`));
  }
  const storm: Signal[] = [];
  for (let m = 180; m < 190; m++) {
    const t = T0 + m * MIN;
    storm.push(metric(org, t, 'http_error_rate', 0.3), metric(org, t, 'latency_p95_ms', 900));
    for (let k = 0; k < 20; k++) storm.push(log(org, t + 2 + k, `ERROR connection refused to payments:8443 after ${k}ms`));
  }
  return [calm, storm];
}

export function detectionHostContract(name: string, make: () => EngineHost): void {
  describe(`DetectionHost contract: ${name}`, () => {
    let host: EngineHost | undefined;
    afterEach(async () => {
      await host?.close();
      host = undefined;
    });

    it('finds what the engine itself finds, batch by batch (anomalies and log templates)', async () => {
      host = make();
      const direct = new DetectionEngine({ org: 'a' });
      await host.load('a', {}, null);
      let found = 0;
      let templates = 0;
      for (const b of batches('a')) {
        const got = await host.process('a', b);
        expect(got).toEqual(direct.processBatch(b));
        found += got.anomalies.length;
        templates += got.templates.length;
      }
      expect(found).toBeGreaterThan(0);
      expect(templates).toBeGreaterThan(0);
      expect(await host.snapshot('a')).toEqual(direct.toJSON());
    });

    it('applies SLOs: a latency breach pages through the SLO guard only once the SLO is known', async () => {
      host = make();
      const [calm, storm] = batches('s');
      await host.load('s', {}, null);
      await host.load('t', {}, null);
      await host.setSlos('s', { cart: { p95Ms: 300 } });
      await host.process('s', calm);
      await host.process('t', calm.map((x) => ({ ...x, orgId: 't' })));
      const withSlo = (await host.process('s', storm)).anomalies;
      const without = (await host.process('t', storm.map((x) => ({ ...x, orgId: 't' })))).anomalies;
      expect(withSlo.some((a) => a.detector === DETECTORS.slo && a.series === 'latency_p95_ms')).toBe(true);
      expect(without.some((a) => a.detector === DETECTORS.slo && a.series === 'latency_p95_ms')).toBe(false);
    });

    it('restores a snapshot: a reloaded engine continues exactly where the first left off', async () => {
      host = make();
      const [calm, storm] = batches('r');
      await host.load('r', {}, null);
      await host.process('r', calm);
      const state = await host.snapshot('r');
      const continued = await host.process('r', storm);
      const r = await host.load('r', {}, state);
      expect(r).toMatchObject({ restored: true });
      expect(r.series).toBeGreaterThan(0);
      expect(await host.process('r', storm)).toEqual(continued);
    });

    it('starts fresh on an unreadable checkpoint and says why', async () => {
      host = make();
      const r = await host.load('u', {}, { v: 99 } as unknown as EngineState);
      expect(r).toMatchObject({ restored: false, series: 0 });
      expect(r.error).toMatch(/version/);
      expect((await host.process('u', batches('u')[0])).anomalies).toEqual([]);
    });

    it('keeps orgs apart and survives a failed call', async () => {
      host = make();
      await expect(host.process('nobody', batches('nobody')[0])).rejects.toThrow(/not loaded/);
      await host.load('x', {}, null);
      await host.load('y', {}, null);
      await host.process('x', batches('x')[0]);
      expect((await host.snapshot('x')).registry).not.toEqual((await host.snapshot('y')).registry);
      expect(await host.snapshot('y')).toEqual(new DetectionEngine({ org: 'y' }).toJSON());
    });
  });
}
