import { analyzeContract } from './analyze.contract.js';

analyzeContract('pglite');
