import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { STORED_DIM } from '../core/ports/index.js';
import { localEmbedder, padVector } from './embed.js';
import { embedderContract } from './embedder.contract.js';
import { embedderFromSettings, openAIEmbedder } from './io/openai.js';

/**
 * A fake OpenAI-compatible embeddings server: checks the request as OpenAI would (path, auth,
 * JSON body with model and an input array) and answers with deterministic vectors (the local
 * embedder at the model's size, scaled and in shuffled order, so the client must normalise and
 * sort by index). Scripted failures come first.
 */
class FakeEmbeddings {
  server!: Server;
  url = '';
  requests: { auth: string | undefined; body: Record<string, unknown> }[] = [];
  failures: { status: number; headers?: Record<string, string> }[] = [];
  dims: Record<string, number> = { 'text-embedding-3-small': 1536, 'text-embedding-3-large': 3072, 'nomic-embed-text': 768, 'huge-model': 4096 };

  async start() {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }
  stop() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }
  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
  private async handle(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const c of req) raw += c;
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') return this.send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
    if (req.headers.authorization !== 'Bearer sk-test') return this.send(res, 401, { error: { message: 'Incorrect API key provided' } });
    if (!String(req.headers['content-type']).startsWith('application/json')) return this.send(res, 415, { error: { message: 'json please' } });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw);
    } catch {
      return this.send(res, 400, { error: { message: 'bad json' } });
    }
    this.requests.push({ auth: req.headers.authorization, body });
    const fail = this.failures.shift();
    if (fail) return this.send(res, fail.status, { error: { message: 'scripted failure' } }, fail.headers);
    const model = body.model;
    if (typeof model !== 'string' || !(model in this.dims)) return this.send(res, 404, { error: { message: `model ${String(model)} not found` } });
    const input = body.input;
    if (!Array.isArray(input) || input.length === 0 || input.some((x) => typeof x !== 'string' || x.length === 0)) {
      return this.send(res, 400, { error: { message: "'input' must be a non-empty array of non-empty strings" } });
    }
    if (body.encoding_format !== undefined && body.encoding_format !== 'float') return this.send(res, 400, { error: { message: 'encoding_format' } });
    let dim = this.dims[model];
    if (body.dimensions !== undefined) {
      if (!model.startsWith('text-embedding-3') || typeof body.dimensions !== 'number') return this.send(res, 400, { error: { message: 'dimensions not supported' } });
      dim = body.dimensions;
    }
    const vs = await localEmbedder({ dim }).embed(input as string[]);
    const data = vs.map((v, index) => ({ object: 'embedding', index, embedding: v.map((x) => x * 3) })).reverse();
    this.send(res, 200, { object: 'list', data, model, usage: { prompt_tokens: 1, total_tokens: 1 } });
  }
}

const fake = new FakeEmbeddings();
beforeAll(() => fake.start());
afterAll(() => fake.stop());

embedderContract('local (hashed n-grams)', async () => localEmbedder());
embedderContract('local, 256 dimensions', async () => localEmbedder({ dim: 256 }));
embedderContract('OpenAI-compatible (fake server)', () => openAIEmbedder({ baseURL: fake.url, apiKey: 'sk-test', model: 'text-embedding-3-small', batchSize: 64 }));

describe('OpenAI-compatible client', () => {
  it('sends model, an input array, float encoding and the bearer key; labels vectors with model and size', async () => {
    fake.requests = [];
    const e = await openAIEmbedder({ baseURL: `${fake.url}/`, apiKey: 'sk-test', model: 'text-embedding-3-small' });
    expect(e.model).toBe('openai:text-embedding-3-small:1536');
    expect(e.dim).toBe(1536);
    await e.embed(['a b c', 'd e f']);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].body).toEqual({ model: 'text-embedding-3-small', input: ['a b c', 'd e f'], encoding_format: 'float' });
  });

  it('asks text-embedding-3-large for 1536 dimensions (the stored size)', async () => {
    fake.requests = [];
    const e = await openAIEmbedder({ baseURL: fake.url, apiKey: 'sk-test', model: 'text-embedding-3-large' });
    expect(e.dim).toBe(1536);
    const [v] = await e.embed(['x y']);
    expect(v).toHaveLength(1536);
    expect(fake.requests[0].body.dimensions).toBe(1536);
  });

  it('probes the size of an unknown model, and refuses one too large to store', async () => {
    const e = await openAIEmbedder({ baseURL: fake.url, apiKey: 'sk-test', model: 'nomic-embed-text' });
    expect(e.dim).toBe(768);
    expect(e.model).toBe('openai:nomic-embed-text:768');
    expect(padVector((await e.embed(['q']))[0])).toHaveLength(STORED_DIM);
    await expect(openAIEmbedder({ baseURL: fake.url, apiKey: 'sk-test', model: 'huge-model' })).rejects.toThrow(/4096 dimensions; at most 1536/);
  });

  it('retries 429 and 5xx (honouring Retry-After), then gives up with a clear error', async () => {
    const waits: number[] = [];
    const e = await openAIEmbedder({ baseURL: fake.url, apiKey: 'sk-test', model: 'text-embedding-3-small', sleep: async (ms) => void waits.push(ms) });
    fake.failures = [{ status: 429, headers: { 'retry-after': '2' } }, { status: 503 }];
    expect(await e.embed(['retry me'])).toHaveLength(1);
    expect(waits).toEqual([2000, 500]);
    fake.failures = [{ status: 500 }, { status: 500 }, { status: 500 }];
    const err = await e.embed(['x']).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('unavailable');
    expect((err as AppError).message).toMatch(/failed after 3 attempts \(HTTP 500/);
  });

  it('does not retry a refused key', async () => {
    fake.requests = [];
    const e = await openAIEmbedder({ baseURL: fake.url, apiKey: 'sk-wrong', model: 'text-embedding-3-small' });
    await expect(e.embed(['x'])).rejects.toThrow(/refused the request \(HTTP 401.*Incorrect API key/);
  });

  it('picks the local embedder unless a key or base URL is configured', async () => {
    const local = localEmbedder();
    expect(await embedderFromSettings({}, () => local)).toBe(local);
    const remote = await embedderFromSettings({ baseURL: fake.url, apiKey: 'sk-test' }, () => local);
    expect(remote.model).toBe('openai:text-embedding-3-small:1536');
  });
});

describe('vectors', () => {
  it('zero-padding keeps cosine similarity', async () => {
    const e = localEmbedder({ dim: 300 });
    const [a, b] = await e.embed(['disk full', 'disk almost full']);
    const { cosine } = await import('./embed.js');
    expect(cosine(padVector(a), padVector(b))).toBeCloseTo(cosine(a, b), 12);
    expect(() => padVector(new Array(1537).fill(0))).toThrow(RangeError);
  });
});
