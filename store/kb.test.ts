import { kbStoreContract } from './kb-contract.js';
import { openPgliteStore } from './pglite.js';

// In-memory PGlite with pgvector: HNSW search.
kbStoreContract('pglite (pgvector, HNSW)', () => openPgliteStore());
