/**
 * The live sandbox's ingest key: issued per process when WARROOM_API_KEY is not set, and the
 * previous run's key revoked, so restarts do not pile up live keys nobody holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from './embedded.js';
import { DEFAULT_ORG } from './config.js';
import { SANDBOX_KEY_NAME, startLiveSandbox } from './sandbox.js';

let e: Embedded;
beforeAll(async () => {
  e = await startEmbedded('pglite');
});
afterAll(async () => e?.stop());

describe('live sandbox key', () => {
  it('revokes the previous run\'s key when it issues a new one', async () => {
    for (let run = 0; run < 2; run++) {
      const sb = await startLiveSandbox(e.w, { WARROOM_API_KEY: undefined }, { logLinesPerTick: 10, tickMs: 60_000 });
      await sb.stop();
    }
    const audit = await e.w.store().forOrg(DEFAULT_ORG).listAudit({ limit: 1000 });
    const created = audit.filter((a) => a.action === 'apikey.created' && (a.payload as { name?: string }).name === SANDBOX_KEY_NAME).map((a) => a.target);
    const revoked = audit.filter((a) => a.action === 'apikey.revoked').map((a) => a.target);
    expect(created).toHaveLength(2);
    expect(revoked).toEqual([created[0]]);
  });
});
