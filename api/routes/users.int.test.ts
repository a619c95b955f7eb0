import { usersRoutesContract } from './users.contract.js';

// On the Postgres server (a fresh database per run).
usersRoutesContract('postgres');
