import { citationsContract } from './citations.contract.js';

citationsContract('pglite');
