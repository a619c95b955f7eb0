/**
 * RFC 9457 problem+json: every error the API returns has this shape, with the request id so a
 * user can quote it and an operator can find every log line of that request.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { z } from 'zod';
import { AppError, isAppError, type ErrorCode, type FieldIssue } from '../core/errors.js';

export const Problem = z
  .object({
    type: z.string().describe('URI naming the problem kind: urn:warroom:problem:<code>'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().describe('The request path'),
    request_id: z.string(),
    errors: z
      .array(z.object({ index: z.number().int().optional(), path: z.string(), message: z.string() }))
      .optional()
      .describe('Field-level problems; `index` is the item index for batch endpoints'),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem' });

const TITLES: Record<ErrorCode, string> = {
  bad_request: 'Bad request',
  invalid_input: 'Invalid input',
  unauthenticated: 'Unauthenticated',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  idempotency_mismatch: 'Idempotency key reused with a different request',
  precondition_failed: 'Precondition failed',
  bad_gateway: 'Bad gateway',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
};

export function sendProblem(res: Response, err: AppError, instance: string, requestId: string): void {
  const body = {
    type: `urn:warroom:problem:${err.code}`,
    title: TITLES[err.code],
    status: err.status,
    detail: err.message,
    instance,
    request_id: requestId,
    ...(err.issues ? { errors: err.issues } : {}),
    ...(err.extra ?? {}),
  };
  if (err.code === 'unauthenticated') res.setHeader('WWW-Authenticate', 'Bearer realm="warroom"');
  if (err.code === 'unavailable') res.setHeader('Retry-After', '2');
  else if (typeof err.extra?.retry_after_seconds === 'number') res.setHeader('Retry-After', String(err.extra.retry_after_seconds));
  res.status(err.status).type('application/problem+json').send(JSON.stringify(body));
}

/** Zod issues → field issues with dotted paths. */
export function toIssues(error: z.ZodError, prefix: (string | number)[] = []): FieldIssue[] {
  return error.issues.map((i) => ({ path: [...prefix, ...i.path].join('.') || '(body)', message: i.message }));
}

interface BodyParserError {
  type?: string;
  limit?: number;
  status?: number;
}

/** Maps any thrown value to problem+json; unknown errors become 500 without leaking internals. */
export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const requestId = String(req.id ?? '');
  const bp = err as BodyParserError;
  let appErr: AppError;
  if (isAppError(err)) appErr = err;
  else if (bp?.type === 'entity.parse.failed') appErr = new AppError('bad_request', 'The body is not valid JSON.');
  else if (bp?.type === 'entity.too.large') {
    appErr = new AppError('payload_too_large', `The body exceeds the limit of ${bp.limit} bytes.`, { extra: { limit_bytes: bp.limit } });
  } else if (bp?.type === 'encoding.unsupported' || bp?.type === 'charset.unsupported') {
    appErr = new AppError('unsupported_media_type', 'Unsupported body encoding; send UTF-8 JSON.');
  } else if (bp?.status && bp.status >= 400 && bp.status < 500) appErr = new AppError('bad_request', 'The request could not be read.');
  else {
    req.log?.error({ err }, 'unhandled error');
    appErr = new AppError('internal', 'Something went wrong on our side; quote the request id when reporting it.');
  }
  if (appErr.status >= 500 && appErr.code !== 'internal') req.log?.warn({ code: appErr.code, msg: appErr.message }, 'request failed');
  if (res.headersSent) return;
  sendProblem(res, appErr, req.originalUrl.split('?')[0], requestId);
};
