/** POST/GET /v1/connectors: where signals come from and where actions go. */
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { ConnectorInput } from '../../core/schemas.js';
import { maskDeep } from '../../detectors/secrets.js';
import { route } from '../context.js';
import { ConnectorView, connectorView } from '../views.js';

/** The settings the connectors read; described here so that they reach the OpenAPI document. */
const ConnectorConfig = z
  .object({
    path: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .describe('kind "folder" (required there): absolute path of the folder on the server; POST /v1/docs/sync indexes its Markdown, text, HTML and PDF files, skipping hidden entries and node_modules'),
  })
  .catchall(z.unknown())
  .describe('Connector settings; values under keys that look secret are masked when read back');

export const ConnectorBody = ConnectorInput.extend({ config: ConnectorConfig.default({}) }).superRefine((b, ctx) => {
  if (b.kind !== 'folder') return;
  const path = b.config.path;
  if (path === undefined) ctx.addIssue({ code: 'custom', path: ['config', 'path'], message: 'a folder connector needs config.path, the absolute path of the folder on the server' });
  // Relative to what? The server's working directory is not the caller's.
  else if (!isAbsolute(path)) ctx.addIssue({ code: 'custom', path: ['config', 'path'], message: 'must be an absolute path on the server' });
});

export const createConnectorRoute = route({
  method: 'post',
  path: '/v1/connectors',
  summary: 'Register a connector',
  tag: 'connectors',
  scope: 'admin',
  body: ConnectorBody,
  response: { status: 201, schema: ConnectorView, description: 'The connector, with secret settings masked' },
  async handler({ body, org, deps, actor }) {
    if (body.kind === 'folder' && !statSync(body.config.path!, { throwIfNoEntry: false })?.isDirectory()) {
      throw new AppError('invalid_input', `No folder at ${body.config.path} on the server.`, { issues: [{ path: 'config.path', message: 'not a directory on the server' }] });
    }
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
