import { signalToolsContract } from './signal-tools.contract.js';

// On the Postgres server (a fresh database per run).
signalToolsContract('postgres');
