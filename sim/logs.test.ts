/** Log lines: formats, variable parts, stack traces, fault-specific lines, planted secrets. */
import { describe, expect, it } from 'vitest';
import type { SignalInput } from '../core/schemas.js';
import { DEFAULT_SECRET_MASKS, maskSecrets } from '../detectors/secrets.js';
import { groundTruthDoc } from './generate.js';
import { scenarioOf } from './test-helpers.js';
import { World } from './world.js';

function logsOf(doc: Parameters<typeof scenarioOf>[0]): { logs: SignalInput[]; world: World } {
  const world = new World(scenarioOf(doc));
  const logs: SignalInput[] = [];
  while (!world.done) logs.push(...world.step().logs);
  return { logs, world };
}

describe('logs', () => {
  const { logs, world } = logsOf({ duration: '10m', baseline: { logs_per_min: 10_000, secrets_per_10k: 20 }, faults: [{ kind: 'bad_deploy_errors', service: 'checkout', at: '2m', params: { error_rate: 0.6 } }] });
  const of = (svc: string) => logs.filter((l) => l.labels?.service === svc);

  it('produces the configured rate, spread over services and pods, with level labels', () => {
    expect(logs.length).toBeGreaterThan(95_000);
    expect(logs.length).toBeLessThan(105_000);
    expect(new Set(logs.map((l) => l.labels?.service)).size).toBe(19); // every service but the external provider
    for (const l of logs.slice(0, 1000)) {
      expect(l).toMatchObject({ source: 'fluentbit', kind: 'log', key: l.labels?.service });
      expect(['debug', 'info', 'warn', 'error', 'fatal']).toContain(l.labels?.level);
      expect(l.labels?.instance).toMatch(new RegExp(`^${l.labels?.service}-\\d+$`));
    }
    expect(Date.parse(String(logs[0].ts))).toBeGreaterThanOrEqual(world.scenario.startMs);
  });

  it('writes JSON services as JSON, nginx as access lines, Postgres and Redis in their own formats', () => {
    for (const l of of('frontend').slice(0, 300)) expect(() => JSON.parse(l.text!)).not.toThrow();
    expect(of('edge-gateway')[0].text).toMatch(/^\d+\.\d+\.\d+\.\d+ - - \[\d\d\/\w{3}\/2026:\d\d:\d\d:\d\d \+0000\] "(GET|POST) \/\S* HTTP\/1\.1" \d{3} \d+ /);
    expect(of('postgres').some((l) => /UTC \[\d+\] \w+@shop (LOG|WARNING|ERROR): {2}/.test(l.text!))).toBe(true);
    expect(of('redis').some((l) => /^1:M \d\d \w{3} 2026 \d\d:\d\d:\d\d\.\d{3} [*#.] /.test(l.text!))).toBe(true);
    expect(of('auth').some((l) => /^time=2026-\S+Z level=\w+ svc=auth pod=auth-\d msg="/.test(l.text!))).toBe(true);
    // variable parts vary
    expect(new Set(of('catalog').map((l) => l.text)).size).toBeGreaterThan(of('catalog').length * 0.95);
  });

  it('has multi-line stack traces when the bad deploy throws, and callers log the failing callee', () => {
    const traces = of('checkout').filter((l) => l.labels?.level === 'error' && l.text!.includes('\n\tat com.shop.'));
    expect(traces.length).toBeGreaterThan(100);
    expect(traces[0].text).toMatch(/java\.lang\.NullPointerException/);
    expect(traces[0].text!.split('\n').length).toBeGreaterThan(5);
    expect(of('frontend').some((l) => l.text!.includes('call to checkout failed'))).toBe(true);
  });

  it('plants secrets at about the configured rate, every one of them caught by the masking rules', () => {
    const planted = groundTruthDoc(world).planted_secrets;
    const withSecret = logs.filter((l) => planted.some((s) => l.text!.includes(s)));
    expect(withSecret.length).toBeGreaterThan(logs.length * 0.001);
    expect(withSecret.length).toBeLessThan(logs.length * 0.004);
    for (const l of withSecret) {
      const masked = maskSecrets(l.text!, DEFAULT_SECRET_MASKS);
      for (const s of planted) expect(masked, l.text!).not.toContain(s);
    }
  });

  it('logs what the fault looks like from the callers: DNS and TLS errors name the host', () => {
    const dns = logsOf({ duration: '5m', baseline: { logs_per_min: 6000 }, faults: [{ kind: 'dns_failure', service: 'inventory', at: '1m' }] }).logs;
    expect(dns.some((l) => l.labels?.service === 'cart' && /lookup inventory\.shop\.svc\.cluster\.local on 10\.96\.0\.10:53: no such host|ENOTFOUND inventory/.test(l.text!))).toBe(true);
    const tls = logsOf({ duration: '5m', baseline: { logs_per_min: 6000 }, faults: [{ kind: 'cert_expiry', service: 'auth', at: '1m' }] }).logs;
    expect(tls.some((l) => l.labels?.service === 'frontend' && l.text!.includes('certificate has expired'))).toBe(true);
  });
});
