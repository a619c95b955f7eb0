/**
 * ApiDeps for tests that run the real API on a store of their own (the KB and analyze harnesses):
 * the production defaults for limits, masking, ids, clock and metrics, silent logs, no runners.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { ulid } from 'ulid';
import { systemClock } from '../core/clock.js';
import { DEFAULT_SECRET_MASKS } from '../detectors/secrets.js';
import { memoryAnalysisCache } from '../usecases/analysis-cache.js';
import { hashKey } from '../api/auth.js';
import type { ApiDeps } from '../api/context.js';
import { createApiMetrics } from '../api/metrics.js';

export function testApiDeps(o: Pick<ApiDeps, 'store'> & Partial<ApiDeps> & { adminKey?: string }): ApiDeps {
  const { adminKey, ...over } = o;
  return {
    bus: () => undefined,
    adminKeyHash: () => hashKey(adminKey ?? `wra_unused_${randomBytes(8).toString('hex')}`),
    maxBodyBytes: 8 * 1024 * 1024,
    maxBatch: 10_000,
    masks: DEFAULT_SECRET_MASKS,
    newId: ulid,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    metrics: createApiMetrics(),
    runners: {},
    analysisCache: memoryAnalysisCache(),
    publishCommitted: () => undefined,
    ...over,
  };
}
