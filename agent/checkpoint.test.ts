/** Thread checkpoints on the embedded PGlite, in a data directory that outlives the instance. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll } from 'vitest';
import { checkpointContract } from './checkpoint.contract.js';
import { openCheckpointer } from './checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'warroom-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

checkpointContract('pglite', async () => {
  const pglite = await PGlite.create({ dataDir: dir });
  const cp = await openCheckpointer({ pglite });
  return { ...cp, shutdown: () => pglite.close() };
});
