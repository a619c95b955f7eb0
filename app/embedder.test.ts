import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { createEmbedder, embeddingSettings } from './embedder.js';

describe('the configured embedder', () => {
  it('is the local one unless an OpenAI-compatible endpoint is configured, and EMBEDDINGS_MODEL=local forces it', async () => {
    const cfg = loadConfig({});
    expect(embeddingSettings(cfg)).toEqual({ apiKey: undefined, baseURL: undefined, model: undefined, dimensions: undefined });
    expect((await createEmbedder(cfg)).model).toBe('local-hash-v1-d1536');
    const withKey = loadConfig({ OPENAI_API_KEY: 'sk-x', EMBEDDINGS_MODEL: 'text-embedding-3-small', EMBEDDINGS_DIMENSIONS: '256' });
    expect(embeddingSettings(withKey)).toMatchObject({ apiKey: 'sk-x', model: 'text-embedding-3-small', dimensions: 256 });
    expect(embeddingSettings({ ...withKey, EMBEDDINGS_MODEL: 'local' })).toEqual({});
  });
});
