import { kbHttpContract } from './kb-http.contract.js';

kbHttpContract('pglite');
