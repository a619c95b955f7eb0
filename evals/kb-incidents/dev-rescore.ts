/**
 * Development helper (not part of the suite): re-runs the incident-informed search on incident
 * contexts saved by `dev-run.ts --save FILE` against the test corpus in one embedded store, so a
 * query-builder change is scored in seconds. The suite itself always replays the scenarios.
 * Usage: npx tsx evals/kb-incidents/dev-rescore.ts FILE [-v]
 */
import { readFileSync } from 'node:fs';
import type { KbIncidentContext, OrgStore } from '../../core/ports/index.js';
import { DEFAULT_SECRET_MASKS, maskSecrets } from '../../detectors/secrets.js';
import { localEmbedder } from '../../kb/embed.js';
import { KnowledgeBase } from '../../kb/service.js';
import type { FaultKind } from '../../sim/schema.js';
import { openPgliteStore } from '../../store/index.js';
import { loadIncidentCorpus, rankOf, summarize, worstByKind } from '../suites/kb-incidents.js';

const [file, flag] = process.argv.slice(2);
const saved = JSON.parse(readFileSync(file, 'utf8')) as { scenario: string; kind: FaultKind; context: KbIncidentContext }[];
const corpus = loadIncidentCorpus();
const { store, admin } = await openPgliteStore();
await store.createOrg({ id: 'dev', name: 'dev' });
const org = store.forOrg('dev');
const kb = new KnowledgeBase({ embedder: localEmbedder(), mask: (t) => maskSecrets(t, DEFAULT_SECRET_MASKS) });
for (const d of corpus.runbooks) await kb.index(org, { text: d.text, layout: 'markdown', mime: 'text/markdown', uri: d.uri, source: 'eval' });
const rows: { kind: FaultKind; rank: number }[] = [];
for (const c of saved) {
  const withCtx = new Proxy(org, { get: (t, p) => (p === 'kbIncidentContext' ? async () => c.context : Reflect.get(t, p)) }) as OrgStore;
  const r = await kb.search(withCtx, { incidentId: 'x', k: 10 });
  const rank = rankOf(r.hits.map((h) => h.uri), corpus.labels[c.kind]);
  rows.push({ kind: c.kind, rank });
  console.log(`${String(rank || '>10').padStart(3)}  ${c.scenario.padEnd(36)} ${r.hits.slice(0, 3).map((h) => (h.uri ?? '').replace(/^.*\//, '').replace(/\.md$/, '')).join(' ')}`);
  if (flag === '-v') console.log(`     ${r.query.replace(/\n/g, ' | ').slice(0, 600)}\n     ${r.hits.slice(0, 5).map((h) => `${(h.uri ?? '').replace(/^.*\//, '').replace(/\.md$/, '')}${JSON.stringify(h.ranks)}`).join(' ')}`);
}
const kinds = worstByKind(rows);
console.log('cases', summarize(rows.map((r) => r.rank)), 'kinds', summarize([...kinds.values()]));
console.log('kinds not in top 3:', [...kinds].filter(([, k]) => k < 1 || k > 3).map(([kind, k]) => `${kind}@${k || '>10'}`).join(', ') || 'none');
await store.close();
await admin.close();
