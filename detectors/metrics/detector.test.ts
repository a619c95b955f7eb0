import { describe, expect, it } from 'vitest';
import { seededRng } from '../../core/rng.js';
import { DEFAULT_DETECTOR_OPTIONS, SeriesDetector, surpriseToScore, type Detection } from './detector.js';
import { DAY, WEEK } from './seasonality.js';
import { syntheticSeries, type SyntheticOptions } from './synthetic.js';

const STEP = 300_000;
const T0 = Date.UTC(2026, 0, 5);

function run(values: number[], ts?: number[], d = new SeriesDetector()): Detection[] {
  return values.map((v, i) => d.update(ts ? ts[i] : T0 + i * STEP, v));
}

function runSynthetic(o: SyntheticOptions, seed = 1): { res: Detection[]; d: SeriesDetector } {
  const { ts, values } = syntheticSeries(seededRng(seed), o);
  const d = new SeriesDetector();
  return { res: run(values, ts, d), d };
}

const inRange = (r: Detection) => r.score >= 0 && r.score <= 1 && Number.isFinite(r.score);

describe('SeriesDetector: degenerate inputs', () => {
  it('an empty series has no state to speak of and snapshots cleanly', () => {
    const d = new SeriesDetector();
    expect(d.count).toBe(0);
    expect(d.step).toBeNull();
    const back = SeriesDetector.fromJSON(JSON.parse(JSON.stringify(d.toJSON())));
    expect(back.count).toBe(0);
  });

  it.each<[string, number[], (rs: Detection[]) => void]>([
    ['one point', [42], (rs) => expect(rs[0]).toMatchObject({ status: 'warmup', score: 0, alert: false })],
    [
      'a constant series never alerts, then a change after it does',
      [...Array(900).fill(7), 8],
      (rs) => {
        expect(rs.slice(0, 900).every((r) => !r.alert)).toBe(true);
        expect(rs[900]).toMatchObject({ status: 'scored', alert: true, direction: 'up' });
      },
    ],
    [
      'zeros with a single blip stay finite',
      [...Array(600).fill(0), 1e-12, ...Array(50).fill(0)],
      (rs) => expect(rs.every(inRange)).toBe(true),
    ],
    [
      'huge values keep the score finite and in [0, 1]',
      [...Array(600).fill(1e300), -1e308, 1e308, ...Array(20).fill(1e300)],
      (rs) => {
        expect(rs.every(inRange)).toBe(true);
        expect(rs.slice(600).every((r) => Number.isFinite(r.components.z))).toBe(true);
      },
    ],
  ])('%s', (_name, values, check) => {
    const rs = run(values);
    expect(rs.every(inRange)).toBe(true);
    check(rs);
  });

  it.each([
    ['NaN', NaN, 'non_finite_value'],
    ['+Infinity', Infinity, 'non_finite_value'],
    ['-Infinity', -Infinity, 'non_finite_value'],
  ] as const)('skips a %s value without touching the state', (_n, bad, reason) => {
    const d = new SeriesDetector();
    run(Array.from({ length: 50 }, (_, i) => 10 + (i % 3)), undefined, d);
    const before = JSON.stringify(d.toJSON());
    const r = d.update(T0 + 50 * STEP, bad);
    expect(r).toMatchObject({ status: 'skipped', reason, score: 0, alert: false });
    expect(JSON.stringify(d.toJSON())).toBe(before);
  });

  it('skips a timestamp that is not finite', () => {
    const d = new SeriesDetector();
    expect(d.update(NaN, 1)).toMatchObject({ status: 'skipped', reason: 'bad_timestamp' });
  });

  it('folds a late point in (within latenessMs, at its own ts), skips an older one, and keeps going; an equal timestamp is another observation', () => {
    const d = new SeriesDetector();
    run(Array.from({ length: 20 }, () => 5), undefined, d);
    const last = T0 + 19 * STEP;
    const late = d.update(last - STEP, 5);
    expect(late.status).not.toBe('skipped');
    expect(late.ts).toBe(last - STEP);
    expect(d.update(last - STEP - 1, 5)).toMatchObject({ status: 'skipped', reason: 'out_of_order' });
    expect(d.update(last, 5).status).not.toBe('skipped');
    expect(d.update(last + STEP, 5).status).not.toBe('skipped');
    expect(d.count).toBe(23);
    const strict = new SeriesDetector({ latenessMs: 0 });
    run(Array.from({ length: 20 }, () => 5), undefined, strict);
    expect(strict.update(last - 1, 5)).toMatchObject({ status: 'skipped', reason: 'out_of_order' });
  });

  it('survives gaps: a day missing in the middle yields finite scores and keeps the cycle', () => {
    const { ts, values } = syntheticSeries(seededRng(4), { points: 2016 * 2, daily: 0.5, noise: 0.02 });
    const keep = ts.map((_, i) => i < 1500 || i >= 1500 + 288);
    const d = new SeriesDetector();
    const rs = run(values.filter((_, i) => keep[i]), ts.filter((_, i) => keep[i]), d);
    expect(rs.every(inRange)).toBe(true);
    expect(d.periodMs).toBe(DAY);
    expect(rs.slice(-1000).filter((r) => r.alert).length).toBeLessThanOrEqual(2);
  });

  it('infers the step from the timestamps (median gap, robust to one jitter)', () => {
    const d = new SeriesDetector();
    const ts = [0, 60_000, 120_000, 185_000, 240_000, 300_000, 360_000, 420_000, 480_000, 540_000].map((t) => T0 + t);
    for (const t of ts) d.update(t, 1);
    expect(d.step).toBe(60_000);
  });
});

describe('SeriesDetector: behaviour', () => {
  it('stays silent during warm-up, even through a spike', () => {
    const values = Array.from({ length: 200 }, (_, i) => (i === 100 ? 1000 : 10 + (i % 5)));
    const rs = run(values);
    expect(rs.every((r) => r.status === 'warmup' && r.score === 0 && !r.alert)).toBe(true);
  });

  it.each([1, 2, 3])('flags a spike on a seasonal series, upwards, with ESD agreeing (seed %i)', (seed) => {
    const { res } = runSynthetic({ points: 2016, daily: 0.3, noise: 0.03, inject: [{ kind: 'spike', at: 1500, size: 2 }] }, seed);
    expect(res[1500]).toMatchObject({ alert: true, direction: 'up' });
    expect(res[1500].components.esdOutlier).toBe(true);
    expect(res[1500].score).toBeGreaterThan(DEFAULT_DETECTOR_OPTIONS.threshold);
  });

  it.each([1, 2, 3])('flags a dip downwards (seed %i)', (seed) => {
    const { res } = runSynthetic({ points: 2016, daily: 0.3, noise: 0.03, inject: [{ kind: 'spike', at: 1500, size: -0.8 }] }, seed);
    expect(res[1500]).toMatchObject({ alert: true, direction: 'down' });
  });

  it('flags a level shift at once, absorbs it, and then goes quiet', () => {
    const { res } = runSynthetic({ points: 2016, noise: 0.03, inject: [{ kind: 'shift', at: 1200, size: 0.5 }] });
    const onset = res.slice(1200, 1212);
    expect(onset.some((r) => r.alert && r.direction === 'up')).toBe(true);
    const absorbedAt = res.findIndex((r, i) => i >= 1200 && r.components.shiftAbsorbed > 0);
    expect(absorbedAt).toBeGreaterThan(1200);
    expect(res[absorbedAt].components.shiftAbsorbed).toBeCloseTo(50, -1);
    expect(res.slice(absorbedAt + 12).filter((r) => r.alert).length).toBe(0);
  });

  it('finds a daily cycle and does not flag the daily peak', () => {
    const { res, d } = runSynthetic({ points: 2016 * 2, daily: 0.2, noise: 0.02, dailyPeak: { height: 1.5, hour: 14, widthHours: 1 } });
    expect(d.periodMs).toBe(DAY);
    const peakPoints = res.map((r, i) => ({ r, i })).filter(({ i }) => i >= 2016 && Math.floor((i % 288) / 12) === 14);
    expect(peakPoints.length).toBeGreaterThan(0);
    expect(peakPoints.every(({ r }) => !r.alert)).toBe(true);
  });

  it('finds a weekly cycle (quiet weekends) once two weeks are seen', () => {
    const { d, res } = runSynthetic({ points: 2016 * 4, daily: 0.3, weekend: 0.4, noise: 0.02 });
    expect(d.periodMs).toBe(WEEK);
    // Weekends in the last two weeks are normal by then.
    expect(res.slice(2016 * 2).filter((r) => r.alert).length).toBeLessThanOrEqual(2);
  });

  it('keeps calm seasonal noise below the threshold', () => {
    for (const seed of [1, 2, 3]) {
      const { res } = runSynthetic({ points: 2016 * 2, daily: 0.5, noise: 0.03 }, seed);
      const scored = res.filter((r) => r.status === 'scored');
      expect(scored.filter((r) => r.alert).length / scored.length).toBeLessThan(0.002);
      expect(scored.filter((r) => r.score > 0.3).length / scored.length).toBeLessThan(0.01);
    }
  });

  it('is deterministic', () => {
    const a = runSynthetic({ points: 1500, daily: 0.4, spikeRate: 0.01 }, 9).res.map((r) => r.score);
    const b = runSynthetic({ points: 1500, daily: 0.4, spikeRate: 0.01 }, 9).res.map((r) => r.score);
    expect(a).toEqual(b);
  });

  it('round-trips its state through JSON mid-stream and continues identically', () => {
    const { ts, values } = syntheticSeries(seededRng(5), { points: 2016, daily: 0.4, noise: 0.03, spikeRate: 0.005, inject: [{ kind: 'shift', at: 1700, size: 0.3 }] });
    const whole = run(values, ts).map((r) => r.score);
    const first = new SeriesDetector();
    const head = run(values.slice(0, 1000), ts.slice(0, 1000), first).map((r) => r.score);
    const restored = SeriesDetector.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
    const tail = run(values.slice(1000), ts.slice(1000), restored).map((r) => r.score);
    expect([...head, ...tail]).toEqual(whole);
  });

  it('maps surprise to a score in [0, 1], 0.5 at the alert surprise', () => {
    expect(surpriseToScore(0, 10)).toBe(0);
    expect(surpriseToScore(10, 10)).toBeCloseTo(0.5, 12);
    expect(surpriseToScore(1e9, 10)).toBe(1);
    expect(surpriseToScore(NaN, 10)).toBe(0);
  });
});

describe('SeriesDetector: flat-lines and fine steps', () => {
  // the flat-line evidence is off by default (evals/README.md): these cases turn it on
  const flat = () => new SeriesDetector({ flatLine: true });
  const stuck = (seed: number, stepMs: number, at: number, noise = 0.02) => syntheticSeries(seededRng(seed), { points: Math.round((5 * DAY) / stepMs), stepMs, noise, inject: [{ kind: 'flatline', at, until: at + Math.round((6 * 3_600_000) / stepMs) }] });

  it('a series that never repeats and then sticks at one value is confirmed stuck once, a few points in (fewer the longer its history)', () => {
    for (const stepMs of [60_000, STEP, 1_800_000]) {
      const at = Math.round((4 * DAY) / stepMs);
      const { ts, values } = stuck(21, stepMs, at);
      const res = run(values, ts, flat());
      const confirmed = res.map((r, i) => (r.components.flatLine ? i : -1)).filter((i) => i >= 0);
      expect(confirmed).toHaveLength(1);
      expect(confirmed[0] - at).toBeGreaterThanOrEqual(2);
      expect(confirmed[0] - at).toBeLessThanOrEqual(8);
      expect(res[confirmed[0]].alert).toBe(true);
    }
  });

  it('a series that often repeats itself (an integer count) is not called stuck by its usual runs', () => {
    const rng = seededRng(22);
    // Poisson-like small counts: runs of equal values happen all the time.
    const values = Array.from({ length: 3000 }, () => Math.round(2 + 1.5 * Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng())));
    const res = run(values.map((v) => Math.max(0, v)), undefined, flat());
    expect(res.filter((r) => r.components.flatLine).length).toBe(0);
  });

  it('restores flat-line state from a checkpoint mid-run, and reads checkpoints from before it existed', () => {
    const at = Math.round((4 * DAY) / STEP);
    const { ts, values } = stuck(23, STEP, at);
    const whole = run(values, ts, flat());
    const first = flat();
    run(values.slice(0, at + 1), ts.slice(0, at + 1), first);
    const restored = SeriesDetector.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
    const rest = run(values.slice(at + 1), ts.slice(at + 1), restored);
    expect(rest.map((r) => r.score)).toEqual(whole.slice(at + 1).map((r) => r.score));
    const old = first.toJSON() as Partial<ReturnType<SeriesDetector['toJSON']>>;
    for (const k of ['lastValue', 'repeatRun', 'repeatRate', 'afterRepeat', 'repeatAfterRepeat'] as const) delete old[k];
    expect(() => run(values.slice(at + 1, at + 20), ts.slice(at + 1, at + 20), SeriesDetector.fromJSON(old as ReturnType<SeriesDetector['toJSON']>))).not.toThrow();
  });

  it('with shiftMaxRun, a lasting shift at 1-minute steps is confirmed (its run is judged while the window holds the old normal)', () => {
    const at = 4 * 1440;
    const { ts, values } = syntheticSeries(seededRng(24), { points: 5 * 1440, stepMs: 60_000, noise: 0.03, inject: [{ kind: 'shift', at, size: 0.25 }] });
    const res = run(values, ts, new SeriesDetector({ shiftMaxRun: 64 }));
    const absorbed = res.findIndex((r, i) => i >= at && r.components.shiftAbsorbed !== 0);
    expect(absorbed).toBeGreaterThan(at);
    expect(absorbed - at).toBeLessThanOrEqual(64 + 5);
    expect(res[absorbed].components.shiftAbsorbed).toBeGreaterThan(15);
  });
});

describe('SeriesDetector: run evidence (off by default)', () => {
  const runs = () => new SeriesDetector({ runEvidence: true });
  const excursion = (seed: number) => {
    const at = 864;
    // History with spikes as big as the excursion: its first point alone is not news.
    const inject = [{ kind: 'shift' as const, at, size: 0.5, until: at + 30 }, ...[200, 400, 600, 700].map((i) => ({ kind: 'spike' as const, at: i, size: 0.5 }))];
    return { at, ...syntheticSeries(seededRng(seed), { points: 1440, noise: 0.02, inject }) };
  };

  it('confirms a run of points far out on one side once, a few points in, as a confirmed shift scores', () => {
    for (const seed of [1, 2, 3]) {
      const { at, ts, values } = excursion(seed);
      const res = run(values, ts, runs());
      const inRun = res.slice(at, at + 30);
      const labelled = inRun.map((r, i) => (r.alert ? i : -1)).filter((i) => i >= 0);
      expect(labelled).toHaveLength(1);
      expect(labelled[0]).toBeLessThanOrEqual(10);
      expect(inRun[labelled[0]].score).toBeCloseTo(surpriseToScore(2 * DEFAULT_DETECTOR_OPTIONS.cusumK * DEFAULT_DETECTOR_OPTIONS.cusumH, DEFAULT_DETECTOR_OPTIONS.alertSurprise), 6);
      // the defaults: nothing inside the excursion
      expect(run(values, ts).slice(at, at + 30).some((r) => r.alert)).toBe(false);
    }
  });

  it('does not call the runs of a strongly autocorrelated series news', () => {
    const rng = seededRng(31);
    const gauss = () => Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
    let e = 0;
    // AR(1), ρ 0.95: excursions beyond 3σ of the innovations last tens of points.
    const values = Array.from({ length: 2000 }, () => 100 + (e = 0.95 * e + gauss()));
    const res = run(values, undefined, runs());
    expect(res.filter((r) => Math.abs(r.components.z) >= 3).length).toBeGreaterThan(10); // runs do happen
    const withRuns = res.filter((r) => r.alert).length;
    const plain = run(values).filter((r) => r.alert).length;
    expect(withRuns).toBe(plain);
  });

  it('restores run state from a checkpoint mid-run, and reads checkpoints from before it existed', () => {
    const { at, ts, values } = excursion(4);
    const whole = run(values, ts, runs());
    const first = runs();
    run(values.slice(0, at + 3), ts.slice(0, at + 3), first);
    const restored = SeriesDetector.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
    expect(run(values.slice(at + 3), ts.slice(at + 3), restored).map((r) => r.score)).toEqual(whole.slice(at + 3).map((r) => r.score));
    const old = first.toJSON() as Partial<ReturnType<SeriesDetector['toJSON']>>;
    delete old.run;
    expect(() => run(values.slice(at + 3, at + 20), ts.slice(at + 3, at + 20), SeriesDetector.fromJSON(old as ReturnType<SeriesDetector['toJSON']>))).not.toThrow();
  });
});

describe('SeriesDetector: shiftStillOn (off by default)', () => {
  it('does not absorb an excursion that ended before its run was long enough to confirm', () => {
    const at = 864;
    const { ts, values } = syntheticSeries(seededRng(3), { points: 1440, noise: 0.02, inject: [{ kind: 'shift', at, size: 1, until: at + 30 }] });
    const absorbedAfterEnd = (d: SeriesDetector) => run(values, ts, d).some((r, i) => i >= at + 30 && r.components.shiftAbsorbed !== 0);
    expect(absorbedAfterEnd(new SeriesDetector())).toBe(true); // the defaults move the baseline to a level already left
    expect(absorbedAfterEnd(new SeriesDetector({ shiftStillOn: true }))).toBe(false);
  });
});

describe('SeriesDetector: a daily cycle at 1-minute steps, level corrected at adoption (issue 14, off by default)', () => {
  const corrected = (o = {}) => new SeriesDetector({ correctLevelOnAdoption: true, ...o });
  // The corpus control none/step1m_noise0.01_daily: 7 days, level 100, daily sine ±30, noise σ 1.
  const MIN = 60_000;
  const cycle = (seed: number, inject: SyntheticOptions['inject'] = []) => syntheticSeries(seededRng(seed), { points: 7 * 1440, stepMs: MIN, daily: 0.3, noise: 0.01, inject });

  it('adopts the cycle with the deseasonalised level, not the level learnt while it was unknown', () => {
    const { ts, values } = cycle(10);
    const adoptedLevel = (d: SeriesDetector) => {
      for (let i = 0; i < values.length; i++) {
        d.update(ts[i], values[i]);
        if (d.periodMs === DAY) return d.toJSON().baseline.level!;
      }
      return NaN;
    };
    expect(adoptedLevel(corrected())).toBeGreaterThan(99);
    expect(adoptedLevel(corrected())).toBeLessThan(101);
    // Learnt without the cycle, the level is the last hours' weighted mean of it: 87.7 at 00:30,
    // the day's sine having spent them near its trough. Kept, the profile learns that error.
    expect(adoptedLevel(new SeriesDetector())).toBeLessThan(90);
  });

  it.each([10, 11, 12, 13])('a clean daily cycle raises no alert, run evidence on (seed %i)', (seed) => {
    const { ts, values } = cycle(seed);
    const res = run(values, ts, corrected({ runEvidence: true }));
    expect(res.filter((r) => r.status === 'scored').length).toBeGreaterThan(4.5 * 1440);
    // scored runs of residuals below −3σ: 9 to 21 of them at −3.4 to −8σ a day after the cycle was adopted, before
    let longest = 0;
    let runLength = 0;
    for (const r of res) if (r.status === 'scored') longest = Math.max(longest, (runLength = r.components.z <= -3 ? runLength + 1 : 0));
    expect(longest).toBeLessThanOrEqual(2);
    expect(res.filter((r) => r.alert)).toEqual([]);
  });

  it.each([
    [10, 0.25],
    [11, -0.25],
    [12, 0.25],
    [10, -0.25],
  ])('a level shift in it is labelled within 10 points, in its direction (seed %i, size %d)', (seed, size) => {
    const at = 5 * 1440 + 17 * 60 + seed;
    const { ts, values } = cycle(seed, [{ kind: 'shift', at, size }]);
    const res = run(values, ts, corrected({ runEvidence: true }));
    const first = res.findIndex((r, i) => i >= at && r.alert);
    expect(first - at).toBeGreaterThanOrEqual(0);
    expect(first - at).toBeLessThanOrEqual(10);
    expect(res[first].direction).toBe(size > 0 ? 'up' : 'down');
    expect(res.slice(0, at).filter((r) => r.alert)).toEqual([]);
  });
});

describe('SeriesDetector: exceedance-count evidence (issue 14, off by default)', () => {
  // Five days of calm at 5- or 10-minute steps, then the noise triples (a variance change; the mean
  // of the residuals stays at 0, so the level windows and the CUSUM do not see it).
  it.each([
    [300_000, 1],
    [300_000, 4],
    [600_000, 1],
    [600_000, 3],
  ])('labels a ×3 variance increase within the 6-hour window, and nothing before it (step %i ms, seed %i)', (stepMs, seed) => {
    const per = DAY / stepMs;
    const at = Math.round(5 * per + 7 * seed);
    const { ts, values } = syntheticSeries(seededRng(seed), { points: 8 * per, stepMs, noise: 0.01, daily: seed % 2 ? 0.3 : 0, inject: [{ kind: 'variance', at, factor: 3 }] });
    const on = run(values, ts, new SeriesDetector({ exceedanceEvidence: true }));
    const first = on.findIndex((r, i) => i >= at && r.alert);
    expect(first).toBeGreaterThanOrEqual(at);
    expect(first - at).toBeLessThan((6 * 3_600_000) / stepMs);
    expect(on.slice(0, at).filter((r) => r.alert)).toEqual([]);
    // The defaults do not label it at all.
    expect(run(values, ts).some((r) => r.alert)).toBe(false);
  });
});

describe('SeriesDetector: a cycle refined in place (keepScaleOnCycleChange)', () => {
  const HOUR = 3_600_000;
  /** 22 days at hourly steps from a Monday: a daily cycle, weekends 30 % lower, noise 2 %; a +40 σ spike at `spikeAt` hours. */
  function hourlyWeekly(seed: number, spikeAt: number): { ts: number[]; values: number[] } {
    const rng = seededRng(seed);
    const ts: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < 22 * 24; i++) {
      const t = T0 + i * HOUR;
      const weekend = [0, 6].includes(new Date(t).getUTCDay());
      const gauss = Math.sqrt(-2 * Math.log(rng() + 1e-300)) * Math.cos(2 * Math.PI * rng());
      ts.push(t);
      values.push(500 * (1 + 0.25 * Math.sin((2 * Math.PI * (t % DAY)) / DAY) - (weekend ? 0.3 : 0)) + 10 * gauss + (i === spikeAt ? 400 : 0));
    }
    return { ts, values };
  }

  it('scores a spike the day after a weekly cycle replaces the daily one, where a restart left it unscored', () => {
    for (const seed of [1, 2, 3]) {
      // Find when the weekly cycle is adopted on the clean series, then spike a day after it.
      const clean = hourlyWeekly(seed, -1);
      const probe = new SeriesDetector();
      const adopted = clean.ts.findIndex((t, i) => probe.update(t, clean.values[i]).components.periodMs === WEEK);
      expect(adopted).toBeGreaterThan(14 * 24);
      const s = hourlyWeekly(seed, adopted + 24);
      const on = run(s.values, s.ts, new SeriesDetector());
      const off = run(s.values, s.ts, new SeriesDetector({ keepScaleOnCycleChange: false }));
      expect(on[adopted - 1].components.periodMs).toBe(DAY);
      expect(off[adopted + 24].status).toBe('warmup');
      expect(on[adopted + 24].status).toBe('scored');
      // The spike is the day's news: the highest score in the three days after the change, by far
      // (the kept scale errs on the calm side: the daily model's weekend misfits are in it, so a
      // 40 σ spike scores 0.3-0.7 rather than ~1), and nothing else there alerts.
      const after = on.slice(adopted, adopted + 72).map((r) => r.score);
      expect(after[24]).toBeGreaterThan(0.25);
      expect(Math.max(...after.filter((_, k) => k !== 24))).toBeLessThan(after[24] / 2);
      expect(on.slice(adopted, adopted + 72).filter((r, k) => r.alert && k !== 24)).toEqual([]);
    }
  });

  it('survives a checkpoint: the restored detector scores the rest of the series identically', () => {
    const s = hourlyWeekly(4, -1);
    const d = new SeriesDetector();
    const first = run(s.values.slice(0, 400), s.ts.slice(0, 400), d);
    expect(first.at(-1)!.components.periodMs).toBe(WEEK);
    const back = SeriesDetector.fromJSON(JSON.parse(JSON.stringify(d.toJSON())));
    const a = run(s.values.slice(400), s.ts.slice(400), d).map((r) => r.score);
    const b = run(s.values.slice(400), s.ts.slice(400), back).map((r) => r.score);
    expect(b).toEqual(a);
  });
});
