/**
 * Test support: the small synthetic outage of the analyze route's suite (cart gets slow after a
 * deploy, frontend follows, catalog stays calm) stored straight into an org, with its topology,
 * for tests of what reads a real analysis (stored analyses, the timeline, the agent's tools).
 */
import type { OrgStore } from '../core/ports/index.js';
import { DEFAULT_SECRET_MASKS } from '../detectors/secrets.js';
import { prepareBatch } from '../ingest/edge.js';
import { INJECT, TOPOLOGY, outageSignals } from '../api/routes/analyze.contract.js';

export { INJECT, TOPOLOGY };
/** When the outage's incident starts (ISO). */
export const OUTAGE_START = new Date(INJECT).toISOString();

/** Stores the outage's signals and topology into `org`; returns how many signals. */
export async function seedOutage(org: OrgStore): Promise<number> {
  let n = 0;
  const { good, rejected } = prepareBatch(outageSignals(), org.orgId, { newId: () => `sig_outage_${String(++n).padStart(6, '0')}`, masks: DEFAULT_SECRET_MASKS });
  if (rejected.length) throw new Error(`outage signals rejected: ${JSON.stringify(rejected[0])}`);
  await org.insertSignals(good);
  await org.putTopology(TOPOLOGY);
  return good.length;
}
