/** The knowledge-base service over an embedded store: model switches, de-duplication, masking, limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore } from '../core/ports/index.js';
import { DEFAULT_SECRET_MASKS, maskSecrets } from '../detectors/secrets.js';
import { openPgliteStore, type OpenedStore } from '../store/index.js';
import { localEmbedder } from './embed.js';
import { docIdFor, KnowledgeBase } from './service.js';

let opened: OpenedStore;
let org: OrgStore;
const mask = (t: string) => maskSecrets(t, DEFAULT_SECRET_MASKS);
const A = localEmbedder();
const B = localEmbedder({ dim: 512 });

beforeAll(async () => {
  opened = await openPgliteStore();
  await opened.store.createOrg({ id: 'o', name: 'o' });
  org = opened.store.forOrg('o');
});
afterAll(async () => {
  await opened.store.close();
  await opened.admin.close();
});

const DOC = '# QueueBacklog\n\n## Meaning\n\nThe consumer lag of a kafka topic grows.\n\n## Mitigation\n\nScale the consumers.\n';

describe('KnowledgeBase', () => {
  it('indexes once: identity from the path, identical content is left alone, repeated chunks are stored once', async () => {
    const kb = new KnowledgeBase({ embedder: A, mask, chunking: { minChars: 0 } });
    const r1 = await kb.index(org, { text: DOC, layout: 'markdown', mime: 'text/markdown', uri: 'q.md', source: 't' });
    expect(r1).toMatchObject({ status: 'created', chunks: 2, embedded: 2, reused: 0, masked: false });
    expect(r1.document.id).toBe(docIdFor('q.md'));
    expect(r1.document.title).toBe('QueueBacklog');
    expect((await kb.index(org, { text: DOC, layout: 'markdown', mime: 'text/markdown', uri: 'q.md', source: 't' })).status).toBe('unchanged');
    // A copy under another path reuses the stored vectors (same content hash, same model).
    const copy = await kb.index(org, { text: DOC, layout: 'markdown', mime: 'text/markdown', uri: 'copy/q.md', source: 't' });
    expect(copy).toMatchObject({ status: 'created', embedded: 0, reused: 2 });
    const dup = await kb.index(org, { text: '# D\n\nintro\n\n## X\n\nsame words\n\n## X\n\nsame words\n', layout: 'markdown', mime: 'text/markdown', uri: 'd.md', source: 't' });
    expect(dup).toMatchObject({ chunks: 2, duplicateChunks: 1 }); // "## X / same words" twice → once
  });

  it('a document with neither path nor title is identified by its content', async () => {
    const kb = new KnowledgeBase({ embedder: A });
    const a = await kb.index(org, { text: 'first untitled note', layout: 'text', mime: 'text/plain', source: 't' });
    const b = await kb.index(org, { text: 'second untitled note', layout: 'text', mime: 'text/plain', source: 't' });
    expect(a.document.title).toBe('Untitled');
    expect(a.document.id).not.toBe(b.document.id);
    expect(b.status).toBe('created');
  });

  it('masks secrets before chunking, so neither chunks nor vectors see them', async () => {
    const kb = new KnowledgeBase({ embedder: A, mask });
    const r = await kb.index(org, { text: '# Creds\n\nUse token=abc123secretvalue to log in.\n', layout: 'markdown', mime: 'text/markdown', uri: 'c.md', source: 't' });
    expect(r.masked).toBe(true);
    const { rows } = await opened.admin.exec('SELECT text FROM chunks WHERE doc_id = $1', [r.document.id]);
    expect(rows[0].text).toBe('# Creds\n\nUse token=<:SECRET:> to log in.');
    const s = await kb.search(org, { q: 'log in with token=abc123secretvalue' });
    expect(JSON.stringify(s)).not.toContain('abc123secretvalue');
  });

  it('switching embedding models never mixes vectors: search uses only the active model until re-embedding', async () => {
    const kbB = new KnowledgeBase({ embedder: B, mask });
    const before = await kbB.search(org, { q: 'kafka consumer lag grows', k: 3 });
    expect(before.model).toBe(B.model);
    expect(before.hits[0].title).toBe('QueueBacklog'); // full text still answers
    expect(before.hits.every((h) => h.ranks.vector === undefined)).toBe(true);
    const n = await kbB.reembed(org, 3);
    const stats = await org.kbStats();
    expect(n).toBe(stats.chunks);
    expect(stats.byModel).toEqual({ [B.model]: stats.chunks });
    const after = await kbB.search(org, { q: 'kafka consumer lag grows', k: 3 });
    expect(after.hits[0]).toMatchObject({ title: 'QueueBacklog', ranks: { vector: 1 } });
    // The document was indexed under model A: re-indexing it under B is not "unchanged".
    expect((await kbB.index(org, { text: DOC, layout: 'markdown', mime: 'text/markdown', uri: 'q.md', source: 't' })).status).toBe('replaced');
  });

  it('refuses a document with too many chunks, an empty query, and an unknown incident', async () => {
    const kb = new KnowledgeBase({ embedder: A, maxChunks: 3, chunking: { maxChars: 100, overlapChars: 10, minChars: 0 } });
    const long = `# Long\n\n${Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ')}`;
    await expect(kb.index(org, { text: long, layout: 'markdown', mime: 'text/markdown', uri: 'l.md', source: 't' })).rejects.toMatchObject({ code: 'payload_too_large' });
    await expect(kb.search(org, { q: '   ' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(kb.search(org, { incidentId: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('names PDF pages in the heading path', async () => {
    const kb = new KnowledgeBase({ embedder: A, chunking: { maxChars: 60, overlapChars: 0, minChars: 0 } });
    const text = 'page one line about etcd\nsecond line\n\npage two line about quorum\nmore';
    const r = await kb.index(org, { text, layout: 'text', mime: 'application/pdf', uri: 'p.pdf', source: 't', pageLines: [1, 4] });
    const { rows } = await opened.admin.exec('SELECT heading_path, line_start FROM chunks WHERE doc_id = $1 ORDER BY ord', [r.document.id]);
    expect(rows.map((x) => [x.heading_path, x.line_start])).toEqual([
      [['page 1'], 1],
      [['page 2'], 4],
    ]);
  });
});
