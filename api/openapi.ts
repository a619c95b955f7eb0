/** Builds the OpenAPI 3.1 document from the route table and its zod schemas (JSON Schema 2020-12). */
import { z } from 'zod';
import type { AnyRoute } from './context.js';
import { Problem } from './problem.js';

const toSchema = (s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const COMMON_ERRORS: Record<number, string> = {
  400: 'Malformed JSON or request',
  401: 'Missing or invalid API key',
  403: 'The key lacks the required scope',
  413: 'Body larger than the configured limit',
  415: 'Body is not JSON',
  422: 'Validation failed (field errors in `errors`) or Idempotency-Key reused with another body',
  503: 'Starting up or the database is unavailable',
};

export function buildOpenApi(routes: AnyRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const problemRef = { $ref: '#/components/schemas/Problem' };
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const params = [...r.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = r.query ? toSchema(r.query, 'input') : undefined;
    const queryParams = query
      ? Object.entries((query.properties ?? {}) as Record<string, Record<string, unknown>>).map(([name, schema]) => ({
          name,
          in: 'query',
          required: ((query.required as string[] | undefined) ?? []).includes(name),
          schema,
        }))
      : [];
    const headers =
      r.method === 'post' && r.scope !== 'platform' && r.scope !== 'public'
        ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'Same key and body → the stored response; same key, different body → 422' }]
        : [];
    const errorStatuses = r.scope === 'public' ? [400, 503] : [...Object.keys(COMMON_ERRORS).map(Number), ...(r.errors ?? [])];
    const responses: Record<string, unknown> = {
      [r.response.status]: { description: r.response.description, content: { 'application/json': { schema: toSchema(r.response.schema, 'output') } } },
    };
    for (const s of [...new Set(errorStatuses)].sort()) {
      responses[s] = { description: COMMON_ERRORS[s] ?? ERROR_TEXT[s] ?? 'Error', content: { 'application/problem+json': { schema: problemRef } } };
    }
    const bodySchema = r.docBody ?? r.body;
    (paths[path] ??= {})[r.method] = {
      operationId: `${r.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      tags: [r.tag],
      ...(r.scope === 'public' ? { security: [] } : { 'x-required-scope': r.scope }),
      parameters: [...params, ...queryParams, ...headers],
      ...(bodySchema ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(bodySchema, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Warroom API',
      version: '1.0.0',
      description: 'AI DevOps copilot. Errors are RFC 9457 problem+json; every response carries X-Request-ID.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An org API key (wr_…) or the platform admin key (wra_…)' } },
      schemas: { Problem: toSchema(Problem, 'output') },
    },
  };
}

const ERROR_TEXT: Record<number, string> = {
  404: 'Not found (or owned by another org)',
  409: 'Conflict with the current state',
  412: 'Precondition failed',
  502: 'A system Warroom calls (GitHub) refused the request or did not answer; `detail` quotes its message',
};
