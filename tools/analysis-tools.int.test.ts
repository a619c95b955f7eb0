import { analysisToolsContract } from './analysis-tools.contract.js';

// On the Postgres server (a fresh database per run).
analysisToolsContract('postgres');
