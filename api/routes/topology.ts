/** PUT/GET /v1/topology: the service graph (nodes with type and attributes, edges caller → callee). */
import { TopologyInput } from '../../core/schemas.js';
import { getTopology, putTopology } from '../../usecases/topology.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';
import { TopologyView, topologyView } from '../views.js';

export const putTopologyRoute = route({
  method: 'put',
  path: '/v1/topology',
  summary: 'Replace the service graph',
  tag: 'topology',
  scope: 'ingest',
  body: TopologyInput,
  response: { status: 200, schema: TopologyView, description: 'The stored graph with its new version' },
  handler: (ctx) => runUseCase(ctx, (s) => putTopology(s, ctx.body), (t) => ({ status: 200, body: topologyView(t) })),
});

export const getTopologyRoute = route({
  method: 'get',
  path: '/v1/topology',
  summary: 'The current service graph',
  tag: 'topology',
  scope: 'read',
  response: { status: 200, schema: TopologyView, description: 'The graph' },
  errors: [404],
  handler: (ctx) => runUseCase(ctx, (s) => getTopology(s), (t) => ({ status: 200, body: topologyView(t) })),
});
