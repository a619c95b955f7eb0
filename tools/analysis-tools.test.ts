import { analysisToolsContract } from './analysis-tools.contract.js';

analysisToolsContract('pglite');
