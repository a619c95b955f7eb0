import { analyzeTxContract } from './analyze.tx.contract.js';

analyzeTxContract('pglite');
