/**
 * The sandbox's live state of one service as a cluster would report it (replicas, limits, volume,
 * version, flags, config, callers): what a fix plan's numbers start from (core/ports/live-state.ts).
 * Read from the desired state and the topology; pure.
 */
import type { LiveService } from '../../core/ports/live-state.js';
import type { TopologySpec } from '../schema.js';
import type { DesiredState } from '../state.js';

type Scalars = Record<string, string | number | boolean | null>;
const defined = (r: Scalars): Record<string, string | number | boolean> => Object.fromEntries(Object.entries(r).filter((e): e is [string, string | number | boolean] => e[1] !== null));

export function sandboxLiveService(topology: TopologySpec, state: DesiredState, service: string): LiveService | null {
  const spec = topology.services.find((s) => s.id === service);
  const d = state.services[service];
  if (!spec || !d) return null;
  const callers = [...new Set(topology.edges.filter((e) => e.to === service).map((e) => e.from))].map((c) => ({ service: c, flags: defined((state.services[c]?.flags ?? {}) as Scalars) }));
  return {
    replicas: d.replicas,
    memoryMb: d.resources.memory_mb,
    diskGb: d.resources.disk_gb,
    version: d.version,
    flags: defined(d.flags as Scalars),
    config: defined(d.config as Scalars),
    callers,
    external: spec.type === 'external',
  };
}
