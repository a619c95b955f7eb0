/**
 * The KbStore contract on the Postgres server (DATABASE_URL, default the local
 * test server), in a database created for this run and dropped after it. Without pgvector on
 * the server the vector side is exact search over real[].
 */
import { afterAll } from 'vitest';
import { freshPostgresDb, POSTGRES_URL } from '../app/embedded.js';
import { kbStoreContract, sharedStore } from './contracts/index.js';
import { openPostgresStore } from './postgres.js';

const drops: (() => Promise<void>)[] = [];
const postgres = sharedStore(async () => {
  const db = await freshPostgresDb(process.env.DATABASE_URL ?? POSTGRES_URL);
  drops.push(() => db.drop());
  return openPostgresStore({ url: db.url });
});
afterAll(async () => {
  await postgres.close();
  for (const d of drops) await d();
});

kbStoreContract('postgres', postgres.open);
