import { fixIdempotencyContract } from './fix-idempotency.contract.js';

// On the Postgres server (a fresh database per run).
fixIdempotencyContract('postgres');
