/**
 * The store-backed chat stores (roomRegistryOf, directoryOf) held to the same contracts as the
 * memory ones, on PGlite (Postgres: chat.int.test.ts), with a second org for isolation.
 */
import { afterAll } from 'vitest';
import { chatDirectoryContract, roomRegistryContract } from '../bot/chat/registry.contract.js';
import { openPgliteStore, type OpenedStore } from '../store/index.js';
import { openChatStores } from '../test-support/chat-stores.js';

let opened: OpenedStore | undefined;
const open = async () => (opened ??= await openPgliteStore());
afterAll(async () => {
  await opened?.admin.close();
  await opened?.store.close();
});

roomRegistryContract('org store on pglite', async () => (await openChatStores(await open())).registries);
chatDirectoryContract('org store on pglite', async (users) => (await openChatStores(await open(), users)).directories);
