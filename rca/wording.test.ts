import { describe, expect, it } from 'vitest';
import { fromTo, instant, num, relative, span, withUnit } from './wording.js';

describe('numbers in words', () => {
  const units: [string, number | null, string][] = [
    ['http_error_rate', 0.0123, '1.23%'],
    ['http_error_rate', 12, '12'], // errors per second, not 1200 %
    ['cpu_utilization', 0.158, '15.8%'],
    ['availability', 0.999, '99.9%'],
    ['latency_p95_ms', 13148, '13.1 s'],
    ['latency_p95_ms', 179.4, '179 ms'],
    ['latency_p99_s', 0.00995, '9.95 ms'],
    ['gc_pause_seconds', 2.5, '2.5 s'],
    ['http_requests_per_s', 465.2, '465/s'],
    ['queue_depth', 0.000123456, '0.000123'],
    ['queue_depth', null, 'n/a'],
  ];
  it.each(units)('%s %s reads "%s"', (metric, v, text) => expect(withUnit(metric, v)).toBe(text));

  it('puts both ends of a move on one scale', () => {
    expect(fromTo('http_error_rate', 0.001, 0.313)).toBe('0.1% → 31.3%');
    expect(fromTo('http_error_rate', 0.5, 3)).toBe('0.5 → 3'); // one end past 1: a count per second, both plain
  });

  const spans: [number, string][] = [
    [400, '0 s'],
    [12_000, '12 s'],
    [59_400, '59 s'],
    [90_000, '1.5 min'],
    [180_000, '3 min'],
    [45 * 60_000, '45 min'],
    [2 * 3_600_000, '2 h'],
    [-(3 * 3_600_000 + 5 * 60_000), '3 h 5 min'],
  ];
  it.each(spans)('%s ms is "%s"', (ms, text) => expect(span(ms)).toBe(text));

  it('places an event before, after or at its anchor', () => {
    expect(relative(12_000, 'the onset')).toBe('12 s before the onset');
    expect(relative(-180_000, 'the incident start')).toBe('3 min after the incident start');
    expect(relative(-400, 'the onset')).toBe('at the onset');
  });

  it('writes instants to the second, numbers to three digits', () => {
    expect(instant(Date.UTC(2026, 2, 4, 16, 31, 0, 250))).toBe('2026-03-04T16:31:00Z');
    expect([num(0), num(1234.6), num(-0.012345), num(NaN)]).toEqual(['0', '1235', '-0.0123', 'NaN']);
  });
});
