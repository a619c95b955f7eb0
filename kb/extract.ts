/**
 * From uploaded bytes to indexable text: Markdown and plain text as they are, HTML through the
 * converter in ./html.ts, PDF through unpdf (PDF.js, pure JavaScript). The type comes from the
 * given MIME type, else the path's extension, else the content. Limits give clear errors.
 */
import { AppError } from '../core/errors.js';
import { htmlTitle, htmlToText } from './html.js';

export type DocFormat = 'markdown' | 'text' | 'html' | 'pdf';

export const MIME_OF: Record<DocFormat, string> = {
  markdown: 'text/markdown',
  text: 'text/plain',
  html: 'text/html',
  pdf: 'application/pdf',
};

const MIME_ALIASES: Record<string, DocFormat> = {
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'text',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
};

const EXT: Record<string, DocFormat> = {
  md: 'markdown', markdown: 'markdown', mdown: 'markdown', mkd: 'markdown', mdx: 'markdown',
  txt: 'text', text: 'text', log: 'text', rst: 'text', adoc: 'text',
  html: 'html', htm: 'html', xhtml: 'html',
  pdf: 'pdf',
};

export interface ExtractLimits {
  /** Largest document, in bytes (after base64 decoding). */
  maxBytes: number;
  /** Largest extracted text, in characters. */
  maxChars: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = { maxBytes: 5 * 1024 * 1024, maxChars: 2_000_000 };

export interface Extracted {
  text: string;
  /** How the text is chunked. */
  layout: 'markdown' | 'text';
  format: DocFormat;
  mime: string;
  /** A title found in the document (HTML <title>, PDF metadata), if any. */
  title: string | null;
  /** For PDFs: the first line of each page in `text` (1-based). */
  pageLines: number[] | null;
}

/** The format from a MIME type (parameters ignored); undefined when not one we read. */
export function formatOfMime(mime: string): DocFormat | undefined {
  return MIME_ALIASES[mime.split(';')[0].trim().toLowerCase()];
}

/** The format from a file name's extension. */
export function formatOfPath(path: string): DocFormat | undefined {
  const m = /\.([A-Za-z0-9]+)$/.exec(path);
  return m ? EXT[m[1].toLowerCase()] : undefined;
}

/** Whether a file name has an extension the knowledge base reads. */
export const isIndexablePath = (path: string): boolean => formatOfPath(path) !== undefined;

function sniff(bytes: Uint8Array): DocFormat {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (head.startsWith('%PDF-')) return 'pdf';
  if (/^\s*(<!doctype html|<html|<head|<body)/i.test(head)) return 'html';
  return 'markdown';
}

/** Decodes UTF-8 text, refusing binary content with a clear error. */
function utf8(bytes: Uint8Array, what: string): string {
  if (bytes.includes(0)) throw new AppError('invalid_input', `${what} looks binary (it contains NUL bytes); upload Markdown, plain text, HTML or PDF.`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new AppError('invalid_input', `${what} is not valid UTF-8 text.`);
  }
}

/** Text of every page of a PDF; pages are separated by a blank line. */
async function pdfText(bytes: Uint8Array): Promise<{ text: string; title: string | null; pageLines: number[] }> {
  const { getDocumentProxy, extractText, getMeta } = await import('unpdf');
  let doc;
  try {
    doc = await getDocumentProxy(new Uint8Array(bytes));
  } catch (e) {
    throw new AppError('invalid_input', `The PDF could not be read: ${(e as Error).message}`, { cause: e });
  }
  try {
    const { text } = await extractText(doc, { mergePages: false });
    let title: string | null = null;
    try {
      const meta = await getMeta(doc);
      const t = (meta.info as Record<string, unknown> | undefined)?.Title;
      if (typeof t === 'string' && t.trim()) title = t.trim();
    } catch {
      /* metadata is optional */
    }
    const pageLines: number[] = [];
    const parts: string[] = [];
    let line = 1;
    for (const p of text) {
      const page = p.replace(/\r\n?/g, '\n').replace(/[ \t]+\n/g, '\n').trim();
      pageLines.push(line);
      parts.push(page);
      line += page.split('\n').length + 1;
    }
    const all = parts.join('\n\n');
    if (all.trim() === '') throw new AppError('invalid_input', 'The PDF has no extractable text (a scanned image?); OCR it first.');
    return { text: all, title, pageLines };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}

/**
 * Extracts text from an uploaded document. `mime` wins over the path's extension, which wins
 * over sniffing the content.
 */
export async function extractDocument(
  input: { bytes: Uint8Array; mime?: string | null; path?: string | null },
  limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS,
): Promise<Extracted> {
  const { bytes } = input;
  if (bytes.length === 0) throw new AppError('invalid_input', 'The document is empty.');
  if (bytes.length > limits.maxBytes) {
    throw new AppError('payload_too_large', `The document is ${bytes.length} bytes; the limit is ${limits.maxBytes} bytes.`, { extra: { limit_bytes: limits.maxBytes } });
  }
  let format: DocFormat | undefined;
  if (input.mime) {
    format = formatOfMime(input.mime);
    if (!format) {
      throw new AppError('invalid_input', `Unsupported document type "${input.mime}"; supported: ${Object.keys(MIME_ALIASES).join(', ')}.`, {
        issues: [{ path: 'mime', message: 'unsupported type' }],
      });
    }
  }
  format ??= (input.path ? formatOfPath(input.path) : undefined) ?? sniff(bytes);
  let out: Extracted;
  if (format === 'pdf') {
    const p = await pdfText(bytes);
    out = { text: p.text, layout: 'text', format, mime: MIME_OF.pdf, title: p.title, pageLines: p.pageLines };
  } else {
    const raw = utf8(bytes, 'The document');
    if (format === 'html') out = { text: htmlToText(raw), layout: 'markdown', format, mime: MIME_OF.html, title: htmlTitle(raw), pageLines: null };
    else out = { text: raw, layout: format === 'text' ? 'text' : 'markdown', format, mime: MIME_OF[format], title: null, pageLines: null };
  }
  if (out.text.length > limits.maxChars) {
    throw new AppError('payload_too_large', `The document's text is ${out.text.length} characters; the limit is ${limits.maxChars}.`, { extra: { limit_chars: limits.maxChars } });
  }
  if (out.text.trim() === '') throw new AppError('invalid_input', 'The document has no text.');
  return out;
}
