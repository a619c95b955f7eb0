import { analyzeContract } from './analyze.contract.js';

// On the Postgres server (a fresh database per run).
analyzeContract('postgres');
