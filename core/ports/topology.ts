/** Topology: the org's service graph. */
import type { Topology, TopologyInput } from '../schemas.js';

export interface TopologyStore {
  /** Replaces the service graph; the version increases by one on every put. */
  putTopology(t: TopologyInput): Promise<Topology>;
  getTopology(): Promise<Topology | null>;
}
