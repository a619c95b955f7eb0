import { changeAndFixToolsContract } from './change-and-fix-tools.contract.js';

// On the Postgres server (a fresh database per run).
changeAndFixToolsContract('postgres');
