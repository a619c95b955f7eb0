/**
 * Running scenarios: lazy chunk iteration, flattening to ingestable signals, and the ground
 * truth document written next to exported signals.
 */
import type { SignalInput } from '../core/schemas.js';
import type { FaultGroundTruth } from './faults.js';
import type { PlantedSecrets } from './logs.js';
import type { Remedy, Scenario } from './schema.js';
import type { ChangeRecord } from './state.js';
import { World, type Chunk, type WorldOptions } from './world.js';

/** Steps a fresh world through the scenario, one chunk per step (lazily: nothing is retained). */
export function* generate(scenario: Scenario, opts: WorldOptions = {}): Generator<Chunk, World> {
  const w = new World(scenario, opts);
  while (!w.done) yield w.step();
  return w;
}

/** A chunk's signals in ingest order: changes and events, metrics, logs, spans. */
export function flatten(c: Chunk): SignalInput[] {
  return c.events.length || c.spans.length ? [...c.events, ...c.metrics, ...c.logs, ...c.spans] : c.metrics.concat(c.logs);
}

/** Runs a scenario to the end, handing each chunk to `onChunk`; returns the finished world. */
export function run(scenario: Scenario, opts: WorldOptions = {}, onChunk?: (c: Chunk, w: World) => void): World {
  const w = new World(scenario, opts);
  while (!w.done) {
    const c = w.step();
    onChunk?.(c, w);
  }
  return w;
}

export interface GroundTruthDoc {
  scenario: { id: string; title: string; seed: number; start: string; end: string; step: string; topology: string; tags: string[] };
  faults: FaultGroundTruth[];
  red_herrings: { kind: string; service: string; at: string; note: string | null; change: ChangeRecord | null }[];
  /** Every change in the window, causal or not (what a change-correlation view sees). */
  changes: ChangeRecord[];
  remedies_applied: { ts: string; remedy: Remedy; ok: boolean; message: string }[];
  /** Secret values planted in log lines: none of them may be stored unmasked. */
  planted_secrets: string[];
}

export function groundTruthDoc(w: World): GroundTruthDoc {
  const s = w.scenario;
  const secrets: PlantedSecrets = w.secrets;
  return {
    scenario: {
      id: s.id,
      title: s.title,
      seed: s.seed,
      start: new Date(s.startMs).toISOString(),
      end: new Date(s.startMs + s.durationMs).toISOString(),
      step: s.step,
      topology: s.topology.name,
      tags: s.tags,
    },
    faults: w.groundTruth(),
    red_herrings: w.herrings.map((h) => ({ kind: h.kind, service: h.service, at: new Date(h.atMs).toISOString(), note: h.note ?? null, change: h.change })),
    changes: w.changes,
    remedies_applied: w.remediesApplied,
    planted_secrets: [...secrets.bearer, ...secrets.passwords, ...secrets.awsKeys, ...secrets.apiKeys],
  };
}
