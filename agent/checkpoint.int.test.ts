/** Thread checkpoints on a real PostgreSQL: a database of its own, dropped afterwards. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { checkpointContract } from './checkpoint.contract.js';
import { openCheckpointer } from './checkpoint.js';

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DB_NAME = `warroom_agent_${randomBytes(6).toString('hex')}`;
const url = (() => {
  const u = new URL(BASE_URL);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();

async function onServer(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: BASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(() => onServer(`CREATE DATABASE ${DB_NAME}`));
afterAll(() => onServer(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`));

checkpointContract('postgres', () => openCheckpointer({ url }));
