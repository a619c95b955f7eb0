import { usersRoutesContract } from './users.contract.js';

usersRoutesContract('pglite');
