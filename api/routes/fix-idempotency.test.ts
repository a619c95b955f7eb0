import { fixIdempotencyContract } from './fix-idempotency.contract.js';

fixIdempotencyContract('pglite');
