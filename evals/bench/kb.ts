/**
 * `warroom bench kb`: indexing throughput (chunks/s) and search latency of the knowledge base
 * at a given corpus size, per engine. The corpus is the runbooks of ../shared/data/runbooks
 * (or --data) copied until it reaches --chunks, each copy made distinct (a line under every
 * heading) so that nothing is de-duplicated; without the data, seeded synthetic runbooks. The
 * queries are the runbook queries (or synthetic ones), sent as GET /v1/search?q=…&k=8 to an
 * API served by this process, after a warm-up.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import type { Config } from '../../app/config.js';
import { createEmbedder } from '../../app/embedder.js';
import { type KbApi, startKbApi } from '../../test-support/kb-harness.js';
import { kbOf } from '../../api/routes/kb.js';
import { seededRng } from '../../core/rng.js';
import { formatTable } from '../harness.js';
import { loadRunbooks, resolveRunbooksDir } from '../suites/kb.js';
import { percentile } from './percentile.js';

type Engine = 'pglite' | 'postgres';

const WORDS = (
  'pod node disk memory cpu latency error rate timeout connection refused certificate expired replica deployment rollout ' +
  'queue backlog consumer lag kafka etcd leader election quorum storage volume mount network dns resolution ingress ' +
  'gateway upstream retry circuit breaker throttling quota limit scheduler eviction pressure oom killed restart probe ' +
  'readiness liveness config reload alertmanager prometheus scrape target exporter metrics cardinality shard compaction'
).split(' ');

/** Seeded synthetic runbooks: a title, then Meaning / Diagnosis / Mitigation sections of random ops prose. */
function syntheticRunbooks(n: number, seed: number): { docid: string; text: string }[] {
  const rng = seededRng(seed);
  const pick = () => WORDS[Math.floor(rng() * WORDS.length)];
  const sentence = () => Array.from({ length: 8 + Math.floor(rng() * 10) }, pick).join(' ');
  const para = () => Array.from({ length: 3 + Math.floor(rng() * 4) }, sentence).join('. ') + '.';
  return Array.from({ length: n }, (_, i) => {
    const title = `${pick()}${pick()}${pick()}Alert${i}`.replace(/(^|\s)\w/g, (c) => c.toUpperCase());
    return { docid: `syn${i}`, text: `# ${title}\n\n## Meaning\n\n${para()}\n\n## Diagnosis\n\n${para()}\n\n${para()}\n\n## Mitigation\n\n${para()}\n` };
  });
}


export async function runKbBench(o: Record<string, string>, cfg: Config): Promise<number> {
  const engines: Engine[] = (o.engine ?? 'both') === 'both' ? ['pglite', 'postgres'] : [o.engine as Engine];
  const target = Number(o.chunks ?? 10_000);
  const nQueries = Number(o.queries ?? 200);
  let base: { docid: string; text: string }[];
  let queries: string[];
  let corpus = 'runbooks';
  try {
    const rb = loadRunbooks(resolveRunbooksDir(o.data));
    base = rb.docs;
    queries = rb.queries.map((q) => q.query);
  } catch {
    corpus = 'synthetic';
    base = syntheticRunbooks(400, 7);
    const rng = seededRng(11);
    queries = Array.from({ length: 60 }, () => Array.from({ length: 12 }, () => WORDS[Math.floor(rng() * WORDS.length)]).join(' '));
  }
  const embedder = await createEmbedder(cfg);
  const rows: Record<string, string | number>[] = [];
  for (const engine of engines) {
    let api: KbApi | undefined;
    try {
      api = await startKbApi(engine, { embedder, ownerUrl: cfg.DATABASE_URL });
      const kb = kbOf(api.deps);
      const org = api.opened.store.forOrg('default');
      let chunks = 0;
      let docs = 0;
      const t0 = performance.now();
      for (let copy = 0; chunks < target; copy++) {
        for (const d of base) {
          if (chunks >= target) break;
          const text = copy === 0 ? d.text : d.text.replace(/^(#{1,6} .*)$/gm, `$1\n\nCopy ${copy} of this runbook.`);
          const r = await kb.index(org, { text, layout: 'markdown', mime: 'text/markdown', uri: `copy${copy}/${d.docid}.md`, source: 'bench' });
          chunks += r.chunks;
          docs++;
        }
      }
      const indexSeconds = (performance.now() - t0) / 1000;
      const client = api.client();
      const ask = async (q: string) => {
        const t = performance.now();
        const r = await client.get(`/v1/search?q=${encodeURIComponent(q)}&k=8`);
        if (r.status !== 200) throw new Error(`search failed: ${r.status} ${JSON.stringify(r.body)}`);
        return performance.now() - t;
      };
      for (let i = 0; i < 20; i++) await ask(queries[i % queries.length]);
      const lat: number[] = [];
      for (let i = 0; i < nQueries; i++) lat.push(await ask(queries[i % queries.length]));
      rows.push({
        engine,
        vectors: api.opened.store.hasVector ? 'pgvector HNSW' : 'exact (real[])',
        docs,
        chunks,
        index_s: Number(indexSeconds.toFixed(1)),
        chunks_per_s: Math.round(chunks / indexSeconds),
        queries: nQueries,
        p50_ms: Number(percentile(lat, 50).toFixed(1)),
        p95_ms: Number(percentile(lat, 95).toFixed(1)),
        p99_ms: Number(percentile(lat, 99).toFixed(1)),
      });
    } finally {
      await api?.stop();
    }
  }
  process.stdout.write(
    `kb benchmark — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, load ${os.loadavg()[0].toFixed(1)}, ` +
      `${corpus} corpus, embedder ${embedder.model}; search = GET /v1/search?k=8 over HTTP in this process, sequential\n`,
  );
  process.stdout.write(`${formatTable(rows)}\n`);
  if (o.json) writeFileSync(o.json, JSON.stringify({ machine: { cores: os.cpus().length, node: process.version }, corpus, embedder: embedder.model, rows }, null, 2));
  return 0;
}
