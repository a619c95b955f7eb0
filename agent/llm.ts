/**
 * The OpenAI-compatible model (vLLM, Ollama, llama.cpp server, OpenAI, Azure OpenAI) through the
 * official LangChain client on the chat completions API, with our own retry policy and a token
 * budget per incident.
 *
 * Why our own retries: @langchain/openai sets the SDK's retries to 0 and retries through
 * @langchain/core's AsyncCaller, whose backoff starts at 1 s and cannot be configured, and which
 * gives up at once on a 429 without a Retry-After header ("capacity" errors). We set
 * `maxRetries: 0` on the client and retry 429, 5xx, timeouts and connection failures here.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOpenAI } from '@langchain/openai';

export interface LlmSettings {
  /** OPENAI_API_KEY. */
  apiKey: string;
  /** OPENAI_BASE_URL, e.g. http://127.0.0.1:8000/v1 (vLLM) or http://127.0.0.1:11434/v1 (Ollama). */
  baseURL?: string;
  /** LLM_MODEL. */
  model: string;
  /** Per request (default 30 s). */
  timeoutMs?: number;
}

/** The chat model for an OpenAI-compatible endpoint; retries are ours (see `withRetry`). */
export function openAiChatModel(s: LlmSettings): BaseChatModel {
  return new ChatOpenAI({
    model: s.model,
    apiKey: s.apiKey,
    configuration: s.baseURL ? { baseURL: s.baseURL } : undefined,
    temperature: 0,
    timeout: s.timeoutMs ?? 30_000,
    maxRetries: 0,
  });
}

export interface RetryPolicy {
  /** Tries in all (default 3). */
  attempts: number;
  /** First backoff; doubles each retry (default 500 ms). */
  baseMs: number;
  /** Longest wait, also the cap on a server's Retry-After (default 8 s). */
  maxMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseMs: 500, maxMs: 8_000 };

const statusOf = (e: unknown): number | undefined => {
  const s = (e as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
};

/** 429, 5xx, a timeout or a connection failure: worth another try. */
export function isRetryable(e: unknown): boolean {
  const status = statusOf(e);
  if (status !== undefined) return status === 429 || status >= 500;
  const name = (e as { name?: string })?.name ?? '';
  return name === 'TimeoutError' || /Connection/.test(name) || /ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed/.test(String((e as Error)?.message));
}

function retryAfterMs(e: unknown): number | undefined {
  const h = (e as { headers?: { get?: (k: string) => string | null } | Record<string, string> })?.headers;
  const raw = h && typeof (h as { get?: unknown }).get === 'function' ? (h as { get: (k: string) => string | null }).get('retry-after') : (h as Record<string, string> | undefined)?.['retry-after'];
  const n = raw == null ? NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n * 1000 : undefined;
}

/** Why the endpoint failed, for the answer's fallback note: "HTTP 500", "timeout", "connection refused". */
export function failureReason(e: unknown): string {
  const status = statusOf(e);
  if (status !== undefined) return `HTTP ${status}`;
  const name = (e as { name?: string })?.name ?? 'Error';
  if (name === 'TimeoutError') return 'timeout';
  return `${name}: ${String((e as Error)?.message ?? e).slice(0, 120)}`;
}

/** Runs `fn`, retrying retryable failures with exponential backoff (or the server's Retry-After, capped). */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= policy.attempts || !isRetryable(e)) throw e;
      await sleep(Math.min(policy.maxMs, retryAfterMs(e) ?? policy.baseMs * 2 ** (attempt - 1)));
    }
  }
}

/**
 * Tokens spent on the LLM per incident (questions with no incident share their thread's key).
 * In memory: a process restart gives each incident its budget again.
 */
export interface TokenLedger {
  spent(key: string): number;
  add(key: string, tokens: number): void;
}

export function memoryTokenLedger(): TokenLedger {
  const m = new Map<string, number>();
  return { spent: (k) => m.get(k) ?? 0, add: (k, n) => m.set(k, (m.get(k) ?? 0) + n) };
}
