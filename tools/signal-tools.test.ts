import { signalToolsContract } from './signal-tools.contract.js';

signalToolsContract('pglite');
