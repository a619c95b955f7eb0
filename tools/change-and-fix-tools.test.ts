import { changeAndFixToolsContract } from './change-and-fix-tools.contract.js';

changeAndFixToolsContract('pglite');
