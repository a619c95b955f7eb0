/**
 * The ingest edge under generated mixed batches on PGlite (issue 18 §1): no good item lost, every
 * flawed item reported, nothing thrown. A few hundred batches here and on Postgres
 * (edge.fuzz.int.test.ts); the `ingest-fuzz` eval suite runs 10,000 in the full tier.
 */
import { openPgliteStore } from '../store/index.js';
import { edgeFuzzSuite } from './edge-fuzz.contract.js';

edgeFuzzSuite('pglite', () => openPgliteStore());
