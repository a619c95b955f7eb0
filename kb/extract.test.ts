import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { extractDocument, formatOfMime, formatOfPath } from './extract.js';
import { makePdf } from '../test-support/pdf-fixture.js';

const fail = async (p: Promise<unknown>): Promise<AppError> => {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};

describe('extractDocument', () => {
  it('reads Markdown, text and HTML; the type comes from mime, else the path, else the content', async () => {
    expect(await extractDocument({ bytes: Buffer.from('# T\nbody') })).toMatchObject({ format: 'markdown', layout: 'markdown', mime: 'text/markdown' });
    expect(await extractDocument({ bytes: Buffer.from('# T\nbody'), path: 'notes.txt' })).toMatchObject({ format: 'text', layout: 'text' });
    expect(await extractDocument({ bytes: Buffer.from('# T'), path: 'x.txt', mime: 'text/markdown; charset=utf-8' })).toMatchObject({ format: 'markdown' });
    const html = await extractDocument({ bytes: Buffer.from('<!DOCTYPE html><title>Page</title><h2>Fix</h2><p>restart</p>') });
    expect(html).toMatchObject({ format: 'html', layout: 'markdown', title: 'Page', text: '## Fix\n\nrestart' });
    expect(formatOfMime('application/pdf')).toBe('pdf');
    expect(formatOfPath('a/b/RUNBOOK.MD')).toBe('markdown');
    expect(formatOfPath('image.png')).toBeUndefined();
  });

  it('extracts PDF text offline, page by page, with the metadata title', async () => {
    const ex = await extractDocument({ bytes: makePdf(['Disk full runbook', 'Check df -h on the node', 'Delete (old) logs'], 'Disk Runbook'), path: 'disk.pdf' });
    expect(ex).toMatchObject({ format: 'pdf', layout: 'text', mime: 'application/pdf', title: 'Disk Runbook', pageLines: [1] });
    expect(ex.text).toBe('Disk full runbook\nCheck df -h on the node\nDelete (old) logs');
  });

  it.each([
    ['empty', { bytes: Buffer.alloc(0) }, 'invalid_input', /empty/],
    ['unsupported mime', { bytes: Buffer.from('x'), mime: 'image/png' }, 'invalid_input', /Unsupported document type "image\/png"/],
    ['binary', { bytes: Buffer.from([0x41, 0x00, 0x42]) }, 'invalid_input', /binary/],
    ['bad UTF-8', { bytes: Buffer.from([0xc3, 0x28]) }, 'invalid_input', /UTF-8/],
    ['broken PDF', { bytes: Buffer.from('%PDF-1.4\ngarbage'), path: 'x.pdf' }, 'invalid_input', /PDF could not be read/],
    ['no text', { bytes: Buffer.from('   \n\n') }, 'invalid_input', /no text/],
  ])('refuses %s with a clear error', async (_n, input, code, msg) => {
    const e = await fail(extractDocument(input));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(msg);
  });

  it('enforces the size limits', async () => {
    const big = await fail(extractDocument({ bytes: Buffer.alloc(2000, 'a') }, { maxBytes: 1000, maxChars: 10_000 }));
    expect(big.code).toBe('payload_too_large');
    expect(big.extra).toEqual({ limit_bytes: 1000 });
    const long = await fail(extractDocument({ bytes: Buffer.alloc(2000, 'a') }, { maxBytes: 10_000, maxChars: 1000 }));
    expect(long.code).toBe('payload_too_large');
    expect(long.message).toMatch(/2000 characters; the limit is 1000/);
  });
});
