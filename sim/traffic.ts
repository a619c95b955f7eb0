/**
 * One step of traffic: seasonal demand at the entry, load flowing down the call graph (retries
 * amplify it), pods serving it, and errors and latency flowing back up to the callers in
 * proportion to the call share, through a smoothed view of each callee.
 */
import { restartPod, type ControllerView } from './controller.js';
import { EMPTY_SET, type ClusterEvents, type EdgeRt, type Pod, type PodEffects, type SvcRt, type WorldState } from './model.js';
import { clamp } from '../core/math.js';
import { gauss, num } from './util.js';

/** What the seasonal traffic shape reads. */
export type SeasonView = Pick<WorldState, 'scenario' | 'dailyMax'>;
/** What an edge's share reads: the cache a cache-aside edge depends on. */
export type ShareView = Pick<WorldState, 'byId'>;
/** What one step of traffic reads of the world, and the actions it takes (problem lines, OOM kills). */
export interface TrafficView extends SeasonView, ShareView, Pick<WorldState, 'rm' | 'stepMs' | 'order' | 'entry'>, Pick<PodEffects, 'addLog'>, ClusterEvents, Pick<ControllerView, 'newNode'> {}

/** Hour-of-day traffic shape: morning, lunch and evening peaks (local time). */
export function dailyRaw(h: number): number {
  const bump = (c: number, w: number, a: number) => {
    let d = Math.abs(h - c);
    if (d > 12) d = 24 - d;
    return a * Math.exp(-((d / w) ** 2));
  };
  return 0.16 + bump(20.5, 2.8, 0.62) + bump(12.8, 2.2, 0.38) + bump(9.3, 1.6, 0.22);
}

/** Traffic factor at time t: daily shape × weekday/weekend (1 at the weekly peak). */
export function season(w: SeasonView, t: number): number {
  const off = w.scenario.baseline.utc_offset_h;
  const hours = t / 3_600_000 + off;
  const h = ((hours % 24) + 24) % 24;
  const dow = (((Math.floor(hours / 24) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  const weekly = [0.76, 1, 0.98, 0.97, 0.98, 0.94, 0.82][dow];
  return (dailyRaw(h) / w.dailyMax) * weekly;
}

/** Requests per second arriving at each service: entry traffic, then down the graph by call share, retries and surges. */
export function computeDemand(w: TrafficView, t: number): void {
  const b = w.scenario.baseline;
  const e = w.entry;
  e.wander = 0.95 * e.wander + b.noise * 0.3 * gauss(w.rm);
  let entry = w.scenario.topology.entry.peak_rps * b.traffic_scale * season(w, t) * (1 + e.wander + b.noise * 0.5 * gauss(w.rm));
  // An expired certificate or missing DNS name at the entry turns customers away.
  if (e.actual.certNotAfterMs !== null && t >= e.actual.certNotAfterMs) entry *= 0.03;
  if (e.actual.config['dns.name'] !== e.original.dnsName) entry *= 0.02;
  for (const s of w.order) {
    let d = s === e ? entry : 0;
    for (const ed of s.in) {
      const caller = ed.from;
      if (ed.bypass) continue;
      const share = effectiveShare(w, ed);
      const reach = 1 - ed.fail * ed.failPre;
      // Retries: each failed attempt is tried again, up to `retries` times.
      const f = ed.spec.mode === 'sync' ? 1 - (1 - ed.fail) * (1 - s.seen.err) : 0;
      let amp = 1;
      for (let k = 1, fk = f; k <= ed.spec.retries; k++, fk *= f) amp += fk;
      d += caller.flow * share * amp * reach;
    }
    if (s !== e) d *= 1 + 0.01 * gauss(w.rm);
    s.baseDemand = d;
    s.flow = d + s.extraDemand;
    s.demand = s.flow + s.localDemand;
  }
}

/** The share of an edge now: cache-aside edges to the database grow with the cache's miss ratio. */
export function effectiveShare(w: ShareView, e: EdgeRt): number {
  const c = e.spec.on_cache_miss;
  if (!c) return e.spec.share;
  const cache = w.byId.get(c)!;
  const baseMiss = 1 - (cache.spec.hit_ratio ?? 0.9);
  return (e.spec.share * (1 - cache.hit)) / Math.max(0.01, baseMiss);
}

/** The caller's timeout for an edge (config `timeout_ms.<callee>` overrides the topology). */
export function timeoutOf(e: EdgeRt): number {
  return num(e.from.actual.config[`timeout_ms.${e.to.id}`], e.spec.timeout_ms);
}

/** Serves the demand, callees before callers: pod errors, latency, CPU, saturation, memory (OOM kills). */
export function computeServices(w: TrafficView, t: number): void {
  const rm = w.rm;
  const dtS = w.stepMs / 1000;
  const alpha = Math.min(1, w.stepMs / 12_000);
  for (let oi = w.order.length - 1; oi >= 0; oi--) {
    const s = w.order[oi];
    const spec = s.spec;
    // Downstream: errors and latency the callees add to each request.
    let okDown = 1;
    let detDownW = 0;
    let lat50 = 0;
    let lat95 = 0;
    let lat99 = 0;
    for (const e of s.out) {
      if (e.spec.mode !== 'sync') continue;
      const callee = e.to;
      const share = effectiveShare(w, e);
      const T = timeoutOf(e);
      const L0 = callee.spec.latency_ms;
      const c50 = e.bypass ? L0.p50 : callee.seen.p50;
      const c95 = e.bypass ? L0.p95 : callee.seen.p95;
      const c99 = e.bypass ? L0.p99 : callee.seen.p99;
      const tf = timeoutFraction(T, c50, c95, c99);
      e.timeoutFrac = tf;
      const calleeErr = e.bypass ? 0 : callee.seen.err * (1 - e.fail * e.failPre);
      let f = 1 - (1 - e.fail) * (1 - calleeErr) * (1 - tf);
      if (f < 1e-9) f = 0;
      const det = f > 0 ? clamp((e.fail * e.failDet + calleeErr * callee.seen.det + tf * 0.6) / Math.max(1e-9, e.fail + calleeErr + tf), 0, 1) : 0;
      const perceived = f * (det + (1 - det) * f ** e.spec.retries);
      e.perceived = perceived;
      if (e.spec.critical) {
        const x = Math.min(1, share) * perceived;
        okDown *= 1 - x;
        detDownW += x * det;
      }
      const weight = Math.min(share, 2);
      const retryLat = f * e.spec.retries;
      lat50 += weight * 0.8 * Math.min(c50, T) * (1 + retryLat) + tf * T * weight;
      lat95 += Math.min(share, 1) * (0.9 * Math.min(c95, T) + (tf > 0.05 ? T : 0)) * (1 + retryLat);
      lat99 += Math.min(share, 1) * Math.min(Math.max(c99, tf > 0.01 ? T : 0), T) * (1 + retryLat);
    }
    const errDown = 1 - okDown;
    const detDown = errDown > 0 ? detDownW / Math.max(1e-9, 1 - okDown) : 0;

    // External dependencies: no pods of ours, only what callers and probes see.
    if (spec.type === 'external') {
      const p = s.pods[0];
      p.rps = s.demand;
      const be = spec.error_rate * Math.max(0, 1 + 0.25 * gauss(rm));
      p.err = 1 - (1 - be) * (1 - p.imp.err);
      p.p50 = spec.latency_ms.p50 * p.imp.latMul * (1 + 0.04 * gauss(rm));
      p.p95 = Math.max(p.p50, spec.latency_ms.p95 * p.imp.latMul * p.imp.tailMul * (1 + 0.05 * gauss(rm)));
      p.p99 = Math.max(p.p95, spec.latency_ms.p99 * p.imp.latMul * p.imp.tailMul * (1 + 0.06 * gauss(rm)));
      finishService(s, [p], 0, p.err > 0 ? p.imp.det : 0, alpha);
      s.probeOk = p.err > 0.5 ? 0 : 1;
      s.probeMs = p.err > 0.5 ? 5000 : p.p50 * (1 + 0.1 * Math.abs(gauss(rm)));
      continue;
    }

    // Split the demand over the pods that serve.
    const pods = s.pods;
    let serving = 0;
    let n = 0;
    for (const p of pods) {
      if (p.ready) serving++;
      if (p.owns) n++;
    }
    let unserved = 0;
    const capScale = s.actual.cpuMillis / 1000;
    for (const p of pods) {
      if (spec.sharded) {
        if (p.ready) p.rps = s.demand / Math.max(1, n);
        else {
          p.rps = 0;
          if (p.owns) unserved += s.demand / Math.max(1, n);
        }
      } else p.rps = p.ready ? s.demand / Math.max(1, serving) : 0;
    }
    if (!spec.sharded && serving === 0) unserved = s.demand;

    for (const p of pods) {
      const imp = p.imp;
      const rho = (p.rps * imp.cpuMul) / (s.capacity * capScale);
      p.rho = rho;
      const shed = rho > 1 ? 1 - 1 / rho : 0;
      const be = spec.error_rate * Math.max(0, 1 + 0.25 * gauss(rm));
      // Memory: baseline, garbage-collector sawtooth, leaks; a pod past its limit is OOM-killed.
      // Pods leak at slightly different rates (their traffic mix differs), so they do not OOM in lockstep.
      p.leak += imp.memRate * dtS * (0.8 + 0.4 * ((p.ordinal * 0.618034) % 1));
      const saw = 0.05 * (((t + p.gcPhase * p.gcPeriod) % p.gcPeriod) / p.gcPeriod);
      const specLimit = spec.memory.limit_mb;
      const used = (spec.memory.base + p.leak) * specLimit + saw * specLimit;
      p.mem = clamp(used / p.memLimitMb + 0.004 * gauss(rm), 0.01, 1.2);
      let gcLat = 1;
      if (p.mem > 0.9 && p.ready) {
        gcLat = gcSlowdown(p.mem);
        w.addLog(p, 'oom', Math.min(0.2, (p.mem - 0.9) * 1.5));
      }
      p.disk = clamp(p.diskUsedGb / s.actual.diskGb, 0, 1);
      if (!p.ready) {
        p.err = 0;
        p.cpu = clamp(0.02 + 0.01 * Math.abs(gauss(rm)), 0, 1);
        p.sat = 0;
        gauss(rm);
        gauss(rm);
        gauss(rm);
        continue;
      }
      const own = 1 - (1 - be) * (1 - imp.err) * (1 - shed);
      p.err = clamp(1 - (1 - own) * (1 - errDown), 0, 1);
      if (p.mem >= 1 && !p.crashedThisStep) oomKill(w, p, t);
      if (p.crashedThisStep) p.err = 1 - (1 - p.err) * 0.7;
      const q = queueFactor(rho) * gcLat;
      const L = spec.latency_ms;
      let p50 = (L.p50 * imp.latMul * q + lat50) * (1 + 0.04 * gauss(rm));
      let p95 = (L.p95 * imp.latMul * imp.tailMul * q ** 1.3 + lat95) * (1 + 0.05 * gauss(rm));
      let p99 = (L.p99 * imp.latMul * imp.tailMul ** 1.2 * q ** 1.6 + lat99) * (1 + 0.06 * gauss(rm));
      p50 = Math.max(0.1, p50);
      p95 = Math.max(p50 * 1.05, p95);
      p99 = Math.max(p95 * 1.05, p99);
      p.p50 = p50;
      p.p95 = p95;
      p.p99 = p99;
      p.cpu = clamp(0.04 + 0.92 * Math.min(rho, 1.08) + imp.cpuAdd + 0.012 * gauss(rm), 0.005, 1);
      p.sat = clamp(Math.max(0, (rho - 0.7) / 0.3) + imp.satAdd + 0.01 * Math.abs(gauss(rm)), 0, 1);
      if (shed > 0.01) w.addLog(p, 'shed', Math.min(0.5, shed));
      if (be > 0) w.addLog(p, 'exception', be * 0.5);
    }
    for (const e of s.out) {
      // Callers log what goes wrong downstream.
      const f = e.perceived + e.fail;
      if (f > 0.002) {
        const cat = e.failLog?.cat ?? (e.timeoutFrac > 0.5 * f ? 'call_timeout' : e.to.spec.type === 'external' ? 'external' : 'call_error');
        const vars = { ...(e.failLog?.vars ?? {}), callee: e.to.id, timeout: String(timeoutOf(e)) };
        for (const p of pods) if (p.ready) w.addLog(p, cat, Math.min(0.6, Math.min(1, effectiveShare(w, e)) * Math.min(1, f) * 0.8), { ...p.vars, ...vars });
      }
    }
    finishService(s, pods, unserved, errDown > 0 ? detDown : 0, alpha);
    // Message queues: consumers that fail leave a backlog.
    if (spec.type === 'queue') {
      let inflow = 0;
      let drained = 0;
      for (const e of s.out) {
        const rate = s.demand * e.spec.share;
        inflow += rate;
        drained += rate * (1 - e.to.err);
      }
      s.queueDepth = Math.max(0, s.queueDepth + (inflow - drained) * dtS - (s.queueDepth > 0 ? Math.min(s.queueDepth, inflow * 0.5 * dtS) * (1 - s.err) : 0));
    }
  }
}

/** Service-level figures from the pods, and the smoothed view its callers see. */
export function finishService(s: SvcRt, pods: Pod[], unserved: number, detDown: number, alpha: number): void {
  let rps = unserved;
  let errW = unserved;
  let detW = unserved * 1;
  let w50 = 0;
  let w95 = 0;
  let w99 = 0;
  let wsum = 0;
  let cpu = 0;
  let sat = 0;
  let nReady = 0;
  for (const p of pods) {
    rps += p.rps;
    errW += p.rps * p.err;
    detW += p.rps * p.err * (p.imp.err > 0 ? p.imp.det : detDown);
    if (p.ready && p.rps > 0) {
      w50 += p.rps * p.p50;
      w95 += p.rps * p.p95 ** 3;
      w99 += p.rps * p.p99 ** 4;
      wsum += p.rps;
    }
    if (p.ready) {
      cpu += p.cpu;
      sat = Math.max(sat, p.sat);
      nReady++;
    }
  }
  s.rps = rps;
  s.err = rps > 0 ? errW / rps : 0;
  s.det = errW > 0 ? detW / errW : 0;
  if (wsum > 0) {
    s.p50 = w50 / wsum;
    s.p95 = Math.cbrt(w95 / wsum);
    s.p99 = Math.sqrt(Math.sqrt(w99 / wsum));
  }
  s.cpu = nReady ? cpu / nReady : 0;
  s.sat = sat;
  const v = s.seen;
  v.err += alpha * (s.err - v.err);
  v.det += alpha * (s.det - v.det);
  v.p50 += alpha * (s.p50 - v.p50);
  v.p95 += alpha * (s.p95 - v.p95);
  v.p99 += alpha * (s.p99 - v.p99);
}

/** A pod past its memory limit: killed, logged, restarted after a back-off. */
export function oomKill(w: Pick<TrafficView, 'k8sEvent' | 'newNode' | 'stepMs'>, p: Pod, t: number): void {
  const s = p.svc;
  p.crashedThisStep = true;
  p.restarts++;
  p.crashes++;
  p.burst.push({ set: s.logs?.problems.oom ?? EMPTY_SET, count: 3, vars: p.vars });
  w.k8sEvent(p, s, 'Warning', 'OOMKilled', `Container ${s.id} exceeded its memory limit (${p.memLimitMb}Mi) and was killed (exit code 137)`);
  if (p.crashes > 1) w.k8sEvent(p, s, 'Warning', 'BackOff', `Back-off restarting failed container ${s.id}`);
  restartPod(w, p, t + w.stepMs, p.version, p.restartGen, p.memLimitMb, true);
}

/** Latency factor of a pod's garbage collector at memory utilisation `mem` (grows past 90 %). */
export function gcSlowdown(mem: number): number {
  return mem > 0.9 ? 1 + (mem - 0.9) * 8 : 1;
}

/** Queueing delay factor at utilisation rho (M/M/1-like, capped when overloaded). */
export function queueFactor(rho: number): number {
  const r = Math.min(rho, 0.97);
  return 1 + (0.5 * r ** 4) / (1 - r);
}

/**
 * The share of calls slower than a timeout, from the callee's p50/p95/p99 (piecewise linear
 * between the quantiles; beyond 2 × p99 nothing times out).
 */
export function timeoutFraction(T: number, p50: number, p95: number, p99: number): number {
  if (T <= p50) return 0.5 + 0.5 * (1 - T / p50);
  if (T <= p95) return 0.05 + (0.45 * (p95 - T)) / Math.max(1e-9, p95 - p50);
  if (T <= p99) return 0.01 + (0.04 * (p99 - T)) / Math.max(1e-9, p99 - p95);
  if (T <= 2 * p99) return (0.01 * (2 * p99 - T)) / p99;
  return 0;
}

