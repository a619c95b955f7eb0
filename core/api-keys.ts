/** API keys are random, shown once, and stored only as SHA-256 hashes. */
import { createHash, randomBytes } from 'node:crypto';

export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/** A new secret key: `wr_` for org keys, `wra_` for the platform admin key. */
export const newApiKey = (prefix: 'wr' | 'wra' = 'wr'): string => `${prefix}_${randomBytes(24).toString('base64url')}`;
