/**
 * Sends signals to a Warroom instance through the public API: `POST /v1/signals/ingest` in
 * batches of at most 10,000, each with an Idempotency-Key derived from the batch's place in the
 * stream, so a retried batch (a timeout, a 503 while the instance starts) is never stored twice.
 */
import type { SignalInput, TopologyInput } from '../../core/schemas.js';

export interface IngestTotals {
  batches: number;
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  replayed: number;
}

export interface IngestClient {
  /** Posts one batch with an idempotency key; retries transient failures with the same key. */
  post(signals: SignalInput[], idempotencyKey: string): Promise<void>;
  putTopology(t: TopologyInput): Promise<void>;
  totals: IngestTotals;
}

export interface IngestClientOptions {
  /** Most signals per request (the server's WARROOM_MAX_BATCH; 10,000 by default). */
  maxBatch?: number;
  retries?: number;
  fetchImpl?: typeof fetch;
  /** Waits between retries (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

export const MAX_BATCH = 10_000;

export class IngestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'IngestError';
  }
}

/** An HTTP client for one instance (`url` like http://127.0.0.1:3000) and API key with the `ingest` scope. */
export function httpIngest(url: string, key: string, opts: IngestClientOptions = {}): IngestClient {
  const doFetch = opts.fetchImpl ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retries = opts.retries ?? 5;
  let maxBatch = Math.min(opts.maxBatch ?? MAX_BATCH, MAX_BATCH);
  const totals: IngestTotals = { batches: 0, sent: 0, accepted: 0, duplicates: 0, rejected: 0, replayed: 0 };
  const base = url.replace(/\/+$/, '');
  const headers = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', authorization: `Bearer ${key}`, ...extra });

  const send = async (method: string, path: string, body: unknown, extra: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> | undefined; headers: Headers }> => {
    const payload = JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await doFetch(base + path, { method, headers: headers(extra), body: payload });
      } catch (e) {
        if (attempt >= retries) throw new IngestError(`${method} ${path}: ${(e as Error).message}`, 0);
        await sleep(200 * 2 ** attempt);
        continue;
      }
      const text = await res.text();
      let json: Record<string, unknown> | undefined;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if ((res.status >= 500 || res.status === 429) && attempt < retries) {
        await sleep(200 * 2 ** attempt);
        continue;
      }
      return { status: res.status, json, headers: res.headers };
    }
  };

  const post = async (signals: SignalInput[], idem: string): Promise<void> => {
    const size = maxBatch;
    for (let i = 0; i < signals.length; i += size) {
      const part = signals.slice(i, i + size);
      const k = signals.length > size ? `${idem}.${i / size}` : idem;
      const r = await send('POST', '/v1/signals/ingest', { signals: part }, { 'idempotency-key': k });
      if (r.status === 413 && typeof r.json?.max_batch === 'number' && r.json.max_batch < part.length) {
        // The server takes smaller batches: split (new keys, since the body differs) and go on.
        maxBatch = r.json.max_batch;
        await post(part, `${k}~`);
        continue;
      }
      if (r.status === 422 && String(r.json?.type ?? '').endsWith(':idempotency_mismatch')) {
        throw new IngestError(`batch ${k} was already sent with a different body (Idempotency-Key reused): the scenario, its options or the sandbox changed since; use another run id or a fresh instance`, 422);
      }
      if (r.status !== 202 && r.status !== 422) throw new IngestError(`POST /v1/signals/ingest answered ${r.status}: ${JSON.stringify(r.json)?.slice(0, 500)}`, r.status);
      totals.batches++;
      totals.sent += part.length;
      if (r.headers.get('idempotent-replayed') === 'true') totals.replayed++;
      if (r.status === 202 && r.json) {
        totals.accepted += Number(r.json.accepted ?? 0);
        totals.duplicates += Number(r.json.duplicates ?? 0);
        totals.rejected += Array.isArray(r.json.rejected) ? r.json.rejected.length : 0;
      } else totals.rejected += part.length;
    }
  };

  return {
    post,
    totals,
    async putTopology(t) {
      const r = await send('PUT', '/v1/topology', t, {});
      if (r.status !== 200) throw new IngestError(`PUT /v1/topology answered ${r.status}: ${JSON.stringify(r.json)?.slice(0, 500)}`, r.status);
    },
  };
}

/**
 * Groups a stream of signal arrays into batches of at most `size` and hands each to `send`
 * with its sequence number (the basis of its idempotency key).
 */
export class Batcher {
  private buf: SignalInput[] = [];
  private seq = 0;
  constructor(
    private readonly send: (batch: SignalInput[], seq: number) => Promise<void>,
    private readonly size = MAX_BATCH,
  ) {}
  async add(signals: SignalInput[]): Promise<void> {
    for (const s of signals) {
      this.buf.push(s);
      if (this.buf.length >= this.size) await this.flush();
    }
  }
  async flush(): Promise<void> {
    if (!this.buf.length) return;
    const b = this.buf;
    this.buf = [];
    await this.send(b, this.seq++);
  }
}
