/** PUT/GET /v1/topology: the service graph (nodes with type and attributes, edges caller → callee). */
import { AppError } from '../../core/errors.js';
import { TopologyInput } from '../../core/schemas.js';
import { route } from '../context.js';
import { TopologyView, topologyView } from '../views.js';

export const putTopologyRoute = route({
  method: 'put',
  path: '/v1/topology',
  summary: 'Replace the service graph',
  tag: 'topology',
  scope: 'ingest',
  body: TopologyInput,
  response: { status: 200, schema: TopologyView, description: 'The stored graph with its new version' },
  async handler({ body, org, actor }) {
    const t = await org.putTopology(body);
    await org.appendAudit({ actor, action: 'topology.put', target: `topology:${t.version}`, payload: { nodes: t.nodes.length, edges: t.edges.length } });
    return { status: 200, body: topologyView(t) };
  },
});

export const getTopologyRoute = route({
  method: 'get',
  path: '/v1/topology',
  summary: 'The current service graph',
  tag: 'topology',
  scope: 'read',
  response: { status: 200, schema: TopologyView, description: 'The graph' },
  errors: [404],
  async handler({ org }) {
    const t = await org.getTopology();
    if (!t) throw new AppError('not_found', 'No topology has been stored yet; PUT /v1/topology first.');
    return { status: 200, body: topologyView(t) };
  },
});
