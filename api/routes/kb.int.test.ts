import { kbHttpContract } from './kb-http.contract.js';

// On the Postgres server (DATABASE_URL, default the local test server), a fresh database per run.
kbHttpContract('postgres');
