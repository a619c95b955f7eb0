import { citationsContract } from './citations.contract.js';

// On the Postgres server (a fresh database per run).
citationsContract('postgres');
