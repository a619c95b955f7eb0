import { afterAll } from 'vitest';
import { kbStoreContract, sharedStore } from './contracts/index.js';
import { openPgliteStore } from './pglite.js';

// In-memory PGlite with pgvector: HNSW search.
const pglite = sharedStore(() => openPgliteStore());
afterAll(() => pglite.close());
kbStoreContract('pglite (pgvector, HNSW)', pglite.open);
