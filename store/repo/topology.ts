/** The service topology (one current graph per org, versioned) and connectors. */
import type { Connector, ConnectorInput, Topology, TopologyInput } from '../../core/schemas.js';
import { type Row, type SqlSession, iso, json, jsonOut, num } from '../sql.js';

export const toTopology = (r: Row): Topology => ({
  orgId: String(r.org_id),
  version: num(r.version),
  nodes: jsonOut<Topology['nodes']>(r.nodes, []),
  edges: jsonOut<Topology['edges']>(r.edges, []),
  updatedAt: iso(r.updated_at),
});

export const toConnector = (r: Row): Connector => ({
  id: String(r.id),
  orgId: String(r.org_id),
  kind: r.kind as Connector['kind'],
  name: String(r.name),
  config: jsonOut<Record<string, unknown>>(r.config, {}),
  createdAt: iso(r.created_at),
});

/** Replaces the graph; the upsert's row lock makes concurrent puts take consecutive versions. */
export async function putTopology(s: SqlSession, orgId: string, t: TopologyInput): Promise<Topology> {
  const [r] = await s.query(
    `INSERT INTO topologies (org_id, version, nodes, edges, updated_at) VALUES ($1, 1, $2::jsonb, $3::jsonb, clock_timestamp())
     ON CONFLICT (org_id) DO UPDATE
       SET version = topologies.version + 1, nodes = EXCLUDED.nodes, edges = EXCLUDED.edges, updated_at = EXCLUDED.updated_at
     RETURNING org_id, version, nodes, edges, updated_at`,
    [orgId, json(t.nodes ?? []), json(t.edges ?? [])],
  );
  return toTopology(r);
}

export async function getTopology(s: SqlSession, orgId: string): Promise<Topology | null> {
  const [r] = await s.query('SELECT org_id, version, nodes, edges, updated_at FROM topologies WHERE org_id = $1', [orgId]);
  return r ? toTopology(r) : null;
}

export async function createConnector(s: SqlSession, orgId: string, c: ConnectorInput & { id: string }): Promise<Connector> {
  const [r] = await s.query(
    `INSERT INTO connectors (org_id, id, kind, name, config) VALUES ($1, $2, $3, $4, $5::jsonb)
     RETURNING org_id, id, kind, name, config, created_at`,
    [orgId, c.id, c.kind, c.name, json(c.config ?? {})],
  );
  return toConnector(r);
}

export async function listConnectors(s: SqlSession, orgId: string): Promise<Connector[]> {
  const rows = await s.query('SELECT org_id, id, kind, name, config, created_at FROM connectors WHERE org_id = $1 ORDER BY pos', [orgId]);
  return rows.map(toConnector);
}
