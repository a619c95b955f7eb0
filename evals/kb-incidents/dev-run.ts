/**
 * Development helper (not part of the suite): replays the chosen cases (scenario ids or fault
 * kinds; none: all development cases; --held-out: the held-out ones), prints each case's ranks and query, and with --save FILE keeps the incident
 * contexts the store gave the search, so `dev-rescore.ts` can re-run only the query building and
 * the search on them (seconds instead of minutes).
 */
import { writeFileSync } from 'node:fs';
import { incidentCases, runIncidentSearches } from '../suites/kb-incidents.js';

const args = process.argv.slice(2);
const saveAt = args.indexOf('--save');
const save = saveAt >= 0 ? args.splice(saveAt, 2)[1] : undefined;
const heldOut = args.includes('--held-out');
const names = args.filter((a) => a !== '--held-out');
const cases = incidentCases().filter((c) => c.heldOut === heldOut && (names.length === 0 || names.includes(c.scenario) || names.includes(c.kind)));
const t0 = performance.now();
const rs = await runIncidentSearches(cases, undefined, { keepContext: !!save });
for (const r of rs) console.log(JSON.stringify({ s: r.scenario, kind: r.kind, v: r.verdict, top: r.top, truth: r.truth, ranks: r.ranks, hits: r.hits, q: r.query.replace(/\n/g, ' | ').slice(0, 400) }));
if (save) writeFileSync(save, JSON.stringify(rs.map((r) => ({ scenario: r.scenario, kind: r.kind, context: r.context }))));
console.error(`${cases.length} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
