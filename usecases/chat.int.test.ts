/** The store-backed chat stores' contracts on PostgreSQL (a fresh database per run): real concurrent claims across connections. */
import { afterAll } from 'vitest';
import { freshPostgresDb, POSTGRES_URL } from '../app/embedded.js';
import { chatDirectoryContract, roomRegistryContract } from '../bot/chat/registry.contract.js';
import { openPostgresStore, type OpenedStore } from '../store/index.js';
import { openChatStores } from '../test-support/chat-stores.js';

let opened: Promise<{ store: OpenedStore; drop(): Promise<void> }> | undefined;
const open = async () => {
  opened ??= (async () => {
    const db = await freshPostgresDb(process.env.DATABASE_URL ?? POSTGRES_URL);
    return { store: await openPostgresStore({ url: db.url }), drop: db.drop };
  })();
  return (await opened).store;
};
afterAll(async () => {
  if (!opened) return;
  const { store, drop } = await opened;
  await store.admin.close();
  await store.store.close();
  await drop();
});

roomRegistryContract('org store on postgres', async () => (await openChatStores(await open())).registries);
chatDirectoryContract('org store on postgres', async (users) => (await openChatStores(await open(), users)).directories);
