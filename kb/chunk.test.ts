import { describe, expect, it } from 'vitest';
import { chunkDocument, contentHash } from './chunk.js';

const RUNBOOK = `---
title: Disk Full
weight: 20
---

# DiskFull

## Meaning

The disk of a node is almost full.

## Diagnosis

Run \`df -h\`.

\`\`\`shell
# not a heading: inside a fence
du -sh /var/log/*
\`\`\`

### Deeper

Look at /var/lib/docker.

## Mitigation

Delete old logs.
`;

describe('chunkDocument (markdown)', () => {
  it('cuts along headings and keeps title, heading path and line range', () => {
    const d = chunkDocument(RUNBOOK, 'markdown', { minChars: 0 });
    expect(d.title).toBe('Disk Full'); // front matter wins over the H1
    const byPath = d.chunks.map((c) => [c.headingPath.join(' > '), c.lineStart, c.lineEnd]);
    expect(byPath).toEqual([
      ['DiskFull > Meaning', 6, 10], // the bare H1 joins the section below it
      ['DiskFull > Diagnosis', 12, 19],
      ['DiskFull > Diagnosis > Deeper', 21, 23],
      ['DiskFull > Mitigation', 25, 27],
    ]);
    const lines = RUNBOOK.split('\n');
    for (const c of d.chunks) expect(c.text).toBe(lines.slice(c.lineStart - 1, c.lineEnd).join('\n'));
    expect(d.chunks.map((c) => c.ord)).toEqual([0, 1, 2, 3]);
  });

  it('packs small sections together; a bare heading takes the path of what follows', () => {
    const d = chunkDocument(RUNBOOK, 'markdown');
    expect(d.chunks.length).toBe(1);
    expect(d.chunks[0].headingPath).toEqual(['DiskFull', 'Meaning']);
    expect([d.chunks[0].lineStart, d.chunks[0].lineEnd]).toEqual([6, 27]);
  });

  it('splits a long section into overlapping windows within the limit', () => {
    const body = Array.from({ length: 60 }, (_, i) => `line ${i + 1} ${'x'.repeat(40)}`).join('\n');
    const d = chunkDocument(`# Big\n\n## Part\n${body}\n`, 'markdown', { maxChars: 500, overlapChars: 100, minChars: 0 });
    expect(d.chunks.length).toBeGreaterThan(5);
    for (const c of d.chunks) expect(c.text.length).toBeLessThanOrEqual(500);
    for (let i = 1; i < d.chunks.length; i++) {
      const prev = d.chunks[i - 1];
      const cur = d.chunks[i];
      if (prev.headingPath.join() !== cur.headingPath.join()) continue;
      expect(cur.lineStart).toBeLessThanOrEqual(prev.lineEnd); // overlap
      expect(cur.lineStart).toBeGreaterThan(prev.lineStart); // progress
    }
    expect(d.chunks[d.chunks.length - 1].lineEnd).toBe(63);
  });

  it('setext headings, CRLF, ATX closing hashes and empty headings', () => {
    const d = chunkDocument('Title\r\n=====\r\n\r\nintro text\r\n\r\nSection ##\r\n---\r\nbody\r\n## Closed ##\r\nmore\r\n', 'markdown', { minChars: 0 });
    expect(d.title).toBe('Title');
    expect(d.chunks.map((c) => c.headingPath.join(' > '))).toEqual(['Title', 'Title > Section ##', 'Title > Closed']);
    expect(d.chunks[0].text).toBe('Title\n=====\n\nintro text');
  });

  it('a --- after a blank line is a rule, not a heading', () => {
    const d = chunkDocument('# A\n\ntext\n\n---\n\nmore\n', 'markdown', { minChars: 0 });
    expect(d.chunks).toHaveLength(1);
    expect(d.chunks[0].headingPath).toEqual(['A']);
  });

  it.each([
    ['empty', ''],
    ['blank lines', '\n\n   \n'],
    ['front matter only', '---\ntitle: x\n---\n'],
  ])('degenerate input (%s) gives no chunks', (_n, text) => {
    expect(chunkDocument(text, 'markdown').chunks).toEqual([]);
  });

  it('cuts a single 1 MB line hard, keeping its line number', () => {
    const d = chunkDocument(`# H\n${'a'.repeat(1_000_000)}\n`, 'markdown', { maxChars: 1000, overlapChars: 100 });
    expect(d.chunks.length).toBeGreaterThan(1000);
    for (const c of d.chunks.slice(1)) expect([c.lineStart, c.lineEnd]).toEqual([2, 2]);
  });

  it('refuses an overlap as large as the chunk', () => {
    expect(() => chunkDocument('x', 'text', { maxChars: 100, overlapChars: 100 })).toThrow(RangeError);
  });
});

describe('chunkDocument (plain text)', () => {
  it('ignores # lines and prefers to cut at blank lines', () => {
    const para = (n: number) => Array.from({ length: 5 }, (_, i) => `# paragraph ${n} line ${i} ${'y'.repeat(30)}`).join('\n');
    const text = [1, 2, 3, 4, 5, 6].map(para).join('\n\n');
    const d = chunkDocument(text, 'text', { maxChars: 600, overlapChars: 0, minChars: 0 });
    expect(d.title).toBeNull();
    for (const c of d.chunks) {
      expect(c.headingPath).toEqual([]);
      expect(c.text.startsWith('# paragraph')).toBe(true);
    }
  });
});

describe('contentHash', () => {
  it('ignores whitespace differences only', () => {
    expect(contentHash('a  b\n c')).toBe(contentHash('a b c'));
    expect(contentHash('a b c')).not.toBe(contentHash('a b d'));
  });
});
