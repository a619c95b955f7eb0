/**
 * OpenAI-compatible embeddings client: plain fetch to `{baseURL}/embeddings` with
 * `{model, input: [...], encoding_format: "float", dimensions?}` and a bearer key. Works with
 * OpenAI and with servers that copy its API (vLLM, Ollama, LiteLLM, text-embeddings-inference…).
 * Rate limits and server errors are retried with backoff (honouring Retry-After); vectors are
 * checked, ordered by `index` and scaled to unit length.
 */
import { AppError } from '../../core/errors.js';
import { type Embedder, STORED_DIM } from '../../core/ports/index.js';
import { normalize } from '../embed.js';

export interface OpenAIEmbedderConfig {
  /** e.g. https://api.openai.com/v1 (no trailing /embeddings). */
  baseURL: string;
  apiKey?: string;
  model: string;
  /**
   * Vector size. Known OpenAI models need none; for others it is probed with one request.
   * Models that accept `dimensions` (text-embedding-3-*) are asked for at most 1536.
   */
  dimensions?: number;
  /** Texts per request (default 128). */
  batchSize?: number;
  timeoutMs?: number;
  /** Attempts per request on 429/5xx/network errors (default 3). */
  attempts?: number;
  fetch?: typeof fetch;
  /** Waits between attempts; replaceable in tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** Native sizes of well-known models; text-embedding-3-* can shorten theirs on request. */
const KNOWN: Record<string, { dim: number; shortenable: boolean }> = {
  'text-embedding-3-small': { dim: 1536, shortenable: true },
  'text-embedding-3-large': { dim: 3072, shortenable: true },
  'text-embedding-ada-002': { dim: 1536, shortenable: false },
};

/** Longest input sent (characters); chunks are far shorter, incident queries may not be. */
const MAX_INPUT_CHARS = 8000;

interface EmbeddingsResponse {
  data?: { index?: number; embedding?: unknown }[];
}

/** Creates the client; probes the vector size when it is neither configured nor known. */
export async function openAIEmbedder(cfg: OpenAIEmbedderConfig): Promise<Embedder> {
  const base = cfg.baseURL.replace(/\/+$/, '');
  const doFetch = cfg.fetch ?? fetch;
  const sleep = cfg.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempts = Math.max(1, cfg.attempts ?? 3);
  const known = KNOWN[cfg.model];
  let askDims: number | undefined;
  let dim: number | undefined = cfg.dimensions;
  if (known) {
    if (dim === undefined) dim = known.shortenable ? Math.min(known.dim, STORED_DIM) : known.dim;
    if (known.shortenable && dim !== known.dim) askDims = dim;
  }
  // Unknown models are not sent `dimensions` (a server may reject it); every answer's size is checked.
  if (dim !== undefined && (dim < 1 || dim > STORED_DIM)) {
    throw new Error(`embeddings: ${cfg.model} gives ${dim} dimensions; at most ${STORED_DIM} can be stored (ask the model for fewer)`);
  }

  const call = async (input: string[]): Promise<number[][]> => {
    const body = JSON.stringify({ model: cfg.model, input: input.map((t) => (t.length > MAX_INPUT_CHARS ? t.slice(0, MAX_INPUT_CHARS) : t)), encoding_format: 'float', ...(askDims ? { dimensions: askDims } : {}) });
    let lastErr = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let res: Response;
      try {
        res = await doFetch(`${base}/embeddings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(cfg.apiKey ? { authorization: `Bearer ${cfg.apiKey}` } : {}) },
          body,
          signal: AbortSignal.timeout(cfg.timeoutMs ?? 30_000),
        });
      } catch (e) {
        lastErr = (e as Error).message;
        if (attempt < attempts) await sleep(250 * 2 ** (attempt - 1));
        continue;
      }
      if (res.ok) {
        const json = (await res.json().catch(() => ({}))) as EmbeddingsResponse;
        const data = Array.isArray(json.data) ? [...json.data] : [];
        if (data.length !== input.length) throw new AppError('unavailable', `embeddings: ${base} returned ${data.length} vectors for ${input.length} inputs`);
        data.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
        return data.map((d, i) => {
          const v = d.embedding;
          if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
            throw new AppError('unavailable', `embeddings: vector ${i} from ${base} is not a list of numbers (send encoding_format "float")`);
          }
          return v as number[];
        });
      }
      const text = (await res.text().catch(() => '')).slice(0, 300);
      lastErr = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
      const retryable = res.status === 429 || res.status >= 500;
      if (!retryable) {
        throw new AppError('unavailable', `embeddings: ${base}/embeddings refused the request (${lastErr})`);
      }
      if (attempt < attempts) {
        const after = Number(res.headers.get('retry-after'));
        await sleep(Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 30_000) : 250 * 2 ** (attempt - 1));
      }
    }
    throw new AppError('unavailable', `embeddings: ${base}/embeddings failed after ${attempts} attempts (${lastErr})`);
  };

  if (dim === undefined) {
    const [probe] = await call(['dimension probe']);
    dim = probe.length;
    if (dim < 1 || dim > STORED_DIM) throw new Error(`embeddings: ${cfg.model} gives ${dim} dimensions; at most ${STORED_DIM} can be stored (ask the model for fewer)`);
  }
  const finalDim = dim;
  return {
    model: `openai:${cfg.model}:${finalDim}`,
    dim: finalDim,
    maxBatch: Math.max(1, cfg.batchSize ?? 128),
    async embed(texts: string[]): Promise<number[][]> {
      if (texts.length === 0) return [];
      const out: number[][] = [];
      const step = Math.max(1, cfg.batchSize ?? 128);
      for (let i = 0; i < texts.length; i += step) {
        for (const v of await call(texts.slice(i, i + step))) {
          if (v.length !== finalDim) throw new AppError('unavailable', `embeddings: ${cfg.model} returned ${v.length} dimensions, expected ${finalDim}`);
          out.push(normalize(v));
        }
      }
      return out;
    },
  };
}

/** Embedding settings as the application configures them (see app/ for the variables). */
export interface EmbeddingSettings {
  apiKey?: string;
  baseURL?: string;
  model?: string;
  dimensions?: number;
}

/** The configured embedder: OpenAI-compatible when a key or base URL is set, else the local default. */
export async function embedderFromSettings(s: EmbeddingSettings, local: () => Embedder): Promise<Embedder> {
  if (!s.apiKey && !s.baseURL) return local();
  return openAIEmbedder({ baseURL: s.baseURL ?? 'https://api.openai.com/v1', apiKey: s.apiKey, model: s.model ?? 'text-embedding-3-small', dimensions: s.dimensions });
}
