import { analyzeTxContract } from './analyze.tx.contract.js';

// On the Postgres server (a fresh database per run).
analyzeTxContract('postgres');
