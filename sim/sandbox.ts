/**
 * The live sandbox: a calm, open-ended world that follows a clock, accepts injected faults and
 * remedies, and reports its state. Pure: the caller says what time it is (`advanceTo`); the
 * timers and the HTTP ingest live in `edge/realtime.ts`.
 */
import { FAULTS, type FaultGroundTruth } from './faults.js';
import { calmScenario } from './scenario.js';
import { FAULT_KINDS, FaultSpec, Remedy, type Baseline, type FaultKind, type TopologySpec } from './schema.js';
import type { DesiredState } from './state.js';
import { World, type Chunk } from './world.js';

export interface SandboxConfig {
  topology: TopologySpec;
  /** Epoch ms the world starts at (aligned down to the step). */
  startMs: number;
  seed?: number;
  /** Log lines per minute over all services (the demo default keeps the load modest). */
  logsPerMin?: number;
  tracesPerMin?: number;
  baseline?: Partial<Baseline>;
}

export interface InjectRequest {
  kind: FaultKind;
  service?: string;
  instance?: string;
  duration?: string;
  params?: Record<string, string | number | boolean>;
}

export type SandboxStatus = { now: string; faults: FaultGroundTruth[]; desired: DesiredState; fault_kinds: readonly FaultKind[] };

/** What the API and the fix-plan runner may do with a running sandbox: read it, break it, mend it. */
export interface SandboxControl {
  /** Injects a fault now; throws `<field>: <problem>` when the request is invalid. */
  inject(req: InjectRequest): FaultGroundTruth;
  apply(remedy: unknown, actor?: string): { ok: boolean; message: string; effective_after_s: number };
  status(): SandboxStatus;
}

export class Sandbox implements SandboxControl {
  readonly world: World;
  /** Most steps one call catches up (a sandbox far behind catches up over several ticks instead of flooding). */
  readonly maxCatchUpSteps: number;

  /**
   * A calm world from `cfg`, or a given world (an eval replays a library scenario, made endless,
   * through the same runner and API a live sandbox has).
   */
  constructor(cfg: SandboxConfig | { world: World }, maxCatchUpSteps = 60) {
    if ('world' in cfg) {
      this.world = cfg.world;
    } else {
      const start = Math.floor(cfg.startMs / 10_000) * 10_000;
      const scenario = calmScenario(cfg.topology, start, cfg.seed ?? 1, { logs_per_min: cfg.logsPerMin ?? 1800, traces_per_min: cfg.tracesPerMin ?? 0, ...cfg.baseline });
      this.world = new World(scenario, { endless: true });
    }
    this.maxCatchUpSteps = maxCatchUpSteps;
  }

  /** Steps the world up to `nowMs` (every step whose end is not in the future). */
  advanceTo(nowMs: number): Chunk[] {
    const out: Chunk[] = [];
    const w = this.world;
    while (w.t + w.stepMs <= nowMs && out.length < this.maxCatchUpSteps) out.push(w.step());
    return out;
  }

  /** Injects a fault at the sandbox's current time; throws with a clear message when the request is invalid. */
  inject(req: InjectRequest): FaultGroundTruth {
    const parsed = FaultSpec.safeParse({ ...req, at: '0s' });
    if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'fault'}: ${i.message}`).join('; '));
    const def = FAULTS[parsed.data.kind];
    const service = parsed.data.service ?? def.defaultService;
    const svc = this.world.byId.get(service);
    if (!svc) throw new Error(`service: unknown service "${service}" (known: ${this.world.services.map((s) => s.id).join(', ')})`);
    if (!def.targets.includes(svc.spec.type)) throw new Error(`service: a ${def.kind} fault cannot hit "${service}", a ${svc.spec.type} (it hits: ${def.targets.join(', ')})`);
    return this.world.inject({ ...parsed.data, id: parsed.data.id ?? `live-${this.world.faults.length + 1}` });
  }

  /** Applies a remedy (validated); the world converges to it over the next steps. */
  apply(remedy: unknown, actor = 'sandbox'): { ok: boolean; message: string; effective_after_s: number } {
    const r = Remedy.safeParse(remedy);
    if (!r.success) return { ok: false, message: r.error.issues.map((i) => `${i.path.join('.') || 'remedy'}: ${i.message}`).join('; '), effective_after_s: 0 };
    return this.world.apply(r.data, actor);
  }

  status(): SandboxStatus {
    return { now: new Date(this.world.t).toISOString(), faults: this.world.groundTruth(), desired: this.world.desired, fault_kinds: FAULT_KINDS };
  }
}
