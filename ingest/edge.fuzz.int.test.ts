/** The ingest edge fuzz (edge-fuzz.contract.ts) on a real PostgreSQL, in a database of its own. */
import { freshPostgresDb, POSTGRES_URL } from '../app/embedded.js';
import { openPostgresStore } from '../store/index.js';
import { edgeFuzzSuite } from './edge-fuzz.contract.js';

edgeFuzzSuite('postgres', async () => {
  const db = await freshPostgresDb(POSTGRES_URL);
  const opened = await openPostgresStore({ url: db.url });
  return { ...opened, drop: () => db.drop() };
});
