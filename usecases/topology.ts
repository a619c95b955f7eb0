/** The service graph: replace it (scope `ingest`) and read it (scope `read`). */
import { AppError } from '../core/errors.js';
import type { Topology, TopologyInput } from '../core/schemas.js';
import { actorOf, requireScope } from './principal.js';
import type { Session } from './session.js';

/** Replaces the graph; the new version is audited. */
export async function putTopology(s: Session, input: TopologyInput): Promise<Topology> {
  requireScope(s.principal, 'ingest');
  return s.commit(async ({ org }) => {
    const t = await org.putTopology(input);
    await org.appendAudit({ actor: actorOf(s.principal), action: 'topology.put', target: `topology:${t.version}`, payload: { nodes: t.nodes.length, edges: t.edges.length } });
    return t;
  });
}

/** The current graph, or not_found before one was stored. */
export async function getTopology(s: Session): Promise<Topology> {
  requireScope(s.principal, 'read');
  const t = await s.org.getTopology();
  if (!t) throw new AppError('not_found', 'No topology has been stored yet; PUT /v1/topology first.');
  return t;
}
