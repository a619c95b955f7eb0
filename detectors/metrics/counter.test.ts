import { describe, expect, it } from 'vitest';
import { seededRng } from '../../core/rng.js';
import { DECIDE_POINTS, looksLikeCounter } from './counter.js';
import { SeriesDetector, type Detection } from './detector.js';

const STEP = 60_000;
const T0 = Date.UTC(2026, 0, 5);
const DAY = 86_400_000;

const gaussian = (rng: () => number) => Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
const points = (values: number[]): [number, number][] => values.map((v, i) => [T0 + i * STEP, v]);

/**
 * A request counter: a rate of `rate` per minute (± 3 %) with a daily cycle, restarted (counting
 * again from about zero) every 0.5-2.5 days; from `changeAt` on the rate is multiplied by `factor`.
 */
function counter(days: number, o: { rate?: number; changeAt?: number; factor?: number; seed?: number } = {}) {
  const rng = seededRng(o.seed ?? 7);
  const rate = o.rate ?? 200;
  const n = Math.round((days * DAY) / STEP);
  const gap = () => Math.round(((0.5 + 2 * rng()) * DAY) / STEP);
  let next = gap();
  const values: number[] = [];
  const resets: number[] = [];
  let total = 12_345;
  for (let i = 0; i < n; i++) {
    const cycle = 1 + 0.3 * Math.sin((2 * Math.PI * i * STEP) / DAY);
    const r = rate * cycle * (1 + 0.03 * gaussian(rng)) * (o.changeAt !== undefined && i >= o.changeAt ? (o.factor ?? 1) : 1);
    if (i === next) {
      total = Math.round(r * rng()); // what the new process counted since it started
      resets.push(i);
      next += gap();
    } else total += Math.round(r);
    values.push(total);
  }
  return { values, resets };
}

function run(values: number[], d = new SeriesDetector()): Detection[] {
  return values.map((v, i) => d.update(T0 + i * STEP, v));
}

describe('looksLikeCounter', () => {
  it('takes a series that only rises but for drops to near zero', () => {
    expect(looksLikeCounter(points([10, 12, 15, 15, 19, 1, 4, 9, 12, 20]))).toBe(true);
  });

  it.each<[string, number[]]>([
    ['a noisy gauge', [10, 11, 10.5, 12, 11.8, 12.4, 12.1, 13, 12.9, 13.5]],
    ['a gauge that dips by a little', [10, 12, 15, 14, 19, 21, 24, 25, 27, 30]],
    ['a constant', [5, 5, 5, 5, 5, 5, 5, 5, 5, 5]],
    ['a gauge that stepped up twice', [3, 3, 3, 4, 4, 4, 4, 5, 5, 5]],
    ['negative values', [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4]],
  ])('rejects %s', (_, values) => {
    expect(looksLikeCounter(points(values))).toBe(false);
  });
});

describe('SeriesDetector on a raw counter (counterRates)', () => {
  it('does not alert at restarts, which yield no rate', () => {
    const { values, resets } = counter(8);
    expect(resets.length).toBeGreaterThan(3);
    const res = run(values);
    expect(res.some((r) => r.alert)).toBe(false);
    for (const i of resets) expect(res[i]).toMatchObject({ score: 0, components: { counter: 'reset' } });
    expect(res.filter((r) => r.status === 'scored').length).toBeGreaterThan(values.length / 2);
  });

  it('a crash loop (restarts minutes apart, the second from a count above half the first) stays a counter', () => {
    const { values } = counter(6, { seed: 5 });
    const at = Math.round((4 * DAY) / STEP);
    // Restarted at `at`, counted 3 minutes (600), restarted again and counted 2 (400: 2/3 of 600).
    const loop = values.slice(0, at);
    loop.push(200, 400, 600, 400, 600, 800);
    for (let i = at + 6; i < values.length; i++) loop.push(loop[loop.length - 1] + (values[i] > values[i - 1] ? values[i] - values[i - 1] : 200));
    const res = run(loop);
    expect(res[at + 3].components.counter).toBe('reset');
    expect(res.at(-1)!.components.counter).toBe('rate');
    expect(res.some((r) => r.alert)).toBe(false);
  });

  it('scores the rate: a doubling of requests alerts within an hour, the rate as value and expected', () => {
    const at = Math.round((6.3 * DAY) / STEP);
    const { values } = counter(8, { changeAt: at, factor: 2 });
    const res = run(values);
    expect(res.slice(0, at).some((r) => r.alert)).toBe(false);
    const hit = res.slice(at, at + 60).find((r) => r.alert);
    expect(hit).toBeDefined();
    expect(hit!.direction).toBe('up');
    expect(hit!.value).toBeGreaterThan(250); // per minute, not the total
    expect(hit!.expected).toBeLessThan(hit!.value / 1.4);
  });

  it('a gauge that rises through its first points and then falls is scored on its levels', () => {
    const rng = seededRng(3);
    const values = Array.from({ length: 3 * 1440 }, (_, i) => (i < 100 ? 100 + i : 200) + (i < 100 ? 0 : gaussian(rng)));
    values[3 * 1440 - 10] = 260; // a 60 σ spike on the level
    const res = run(values);
    expect(res[DECIDE_POINTS + 5].components.counter).toBe('rate');
    expect(res[150].components.counter).toBeUndefined();
    expect(res[3 * 1440 - 10]).toMatchObject({ alert: true, direction: 'up' });
  });

  it('restores from a checkpoint while deciding and while scoring rates, to the same scores', () => {
    const { values } = counter(4, { seed: 11 });
    const whole = run(values).map((r) => r.score);
    for (const cut of [DECIDE_POINTS - 10, 3000]) {
      const first = new SeriesDetector();
      run(values.slice(0, cut), first);
      const back = SeriesDetector.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
      const rest = values.slice(cut).map((v, i) => back.update(T0 + (cut + i) * STEP, v).score);
      expect(rest).toEqual(whole.slice(cut));
    }
  });

  it('a checkpoint from before counters existed restores as a level detector', () => {
    const { values } = counter(1);
    const d = new SeriesDetector({ counterRates: false });
    run(values.slice(0, 500), d);
    const old = d.toJSON() as Partial<ReturnType<SeriesDetector['toJSON']>>;
    delete old.counter;
    const back = SeriesDetector.fromJSON({ ...(old as ReturnType<SeriesDetector['toJSON']>), options: {} });
    expect(back.update(T0 + 500 * STEP, values[500]).components.counter).toBeUndefined();
  });
});
