import { apiContract } from './e2e.contract.js';

apiContract('pglite');
