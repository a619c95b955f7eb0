/** POST/GET /v1/connectors: where signals come from and where actions go. */
import { z } from 'zod';
import { ConnectorInput } from '../../core/schemas.js';
import { maskDeep } from '../../detectors/secrets.js';
import { route } from '../context.js';
import { ConnectorView, connectorView } from '../views.js';

export const createConnectorRoute = route({
  method: 'post',
  path: '/v1/connectors',
  summary: 'Register a connector',
  tag: 'connectors',
  scope: 'admin',
  body: ConnectorInput,
  response: { status: 201, schema: ConnectorView, description: 'The connector, with secret settings masked' },
  async handler({ body, org, deps, actor }) {
    const c = await org.createConnector({ ...body, id: deps.newId() });
    await org.appendAudit({ actor, action: 'connector.created', target: `connector:${c.id}`, payload: { kind: c.kind, name: c.name, config: maskDeep(c.config) } });
    return { status: 201, body: connectorView(c) };
  },
});

export const listConnectorsRoute = route({
  method: 'get',
  path: '/v1/connectors',
  summary: 'List connectors',
  tag: 'connectors',
  scope: 'read',
  response: { status: 200, schema: z.object({ connectors: z.array(ConnectorView) }), description: 'Connectors, secrets masked' },
  async handler({ org }) {
    return { status: 200, body: { connectors: (await org.listConnectors()).map(connectorView) } };
  },
});
