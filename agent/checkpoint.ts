/**
 * Thread state in the database with the official Postgres checkpointer, on Postgres or on the
 * embedded PGlite (through PGlite's node-postgres adapter, so the same `pg.Pool` code runs on both).
 */
import type { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import pg from 'pg';

/** Its own schema: the checkpointer's four tables stay apart from Warroom's. */
export const CHECKPOINT_SCHEMA = 'agent_checkpoints';

export interface OpenedCheckpointer {
  saver: PostgresSaver;
  close(): Promise<void>;
}

/** Opens the checkpointer on a Postgres URL or a PGlite instance and creates its tables if needed. */
export async function openCheckpointer(src: { url: string } | { pglite: PGlite }, schema = CHECKPOINT_SCHEMA): Promise<OpenedCheckpointer> {
  // PGlite is one session: one connection, or the pool would queue on itself.
  const pool = 'url' in src ? new pg.Pool({ connectionString: src.url, max: 4 }) : new pg.Pool({ ...createPgConfig(src.pglite), max: 1 });
  const saver = new PostgresSaver(pool, undefined, { schema });
  try {
    await saver.setup();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
  return { saver, close: () => pool.end() };
}
