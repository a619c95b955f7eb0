/** The chat stores' contracts on the memory adapters (the store-backed ones: usecases/chat.test.ts). */
import { chatDirectoryContract, roomRegistryContract } from './registry.contract.js';
import { memoryDirectory, memoryRoomRegistry } from './memory.js';

roomRegistryContract('memory', async () => ({ registry: memoryRoomRegistry() }));
chatDirectoryContract('memory', async (users) => ({ directory: memoryDirectory(users.map((u) => ({ ...u, orgId: 'o1' }))) }));
