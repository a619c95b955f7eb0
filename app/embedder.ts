/**
 * The configured knowledge-base embedder, one choice for the server, the CLI and the evals:
 * OpenAI-compatible when OPENAI_API_KEY or OPENAI_BASE_URL is set (model EMBEDDINGS_MODEL,
 * default text-embedding-3-small; EMBEDDINGS_MODEL=local forces the local one), else the local
 * deterministic embedder. It lives beside the composition root rather than in a CLI command so
 * that app/runtime.ts needs nothing from app/commands/.
 */
import type { Embedder } from '../core/ports/index.js';
import { localEmbedder } from '../kb/embed.js';
import { type EmbeddingSettings, embedderFromSettings } from '../kb/io/openai.js';
import type { Config } from './config.js';

/** The embedding settings from the configuration ({} when EMBEDDINGS_MODEL=local). */
export function embeddingSettings(cfg: Config): EmbeddingSettings {
  if (cfg.EMBEDDINGS_MODEL === 'local') return {};
  return { apiKey: cfg.OPENAI_API_KEY || undefined, baseURL: cfg.OPENAI_BASE_URL || undefined, model: cfg.EMBEDDINGS_MODEL || undefined, dimensions: cfg.EMBEDDINGS_DIMENSIONS };
}

/** The configured embedder (OpenAI-compatible or local). */
export function createEmbedder(cfg: Config): Promise<Embedder> {
  return embedderFromSettings(embeddingSettings(cfg), () => localEmbedder());
}
