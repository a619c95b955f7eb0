/**
 * Embedders: text to vectors for the knowledge base (the local deterministic one and the
 * OpenAI-compatible client; contract: kb/embedder.contract.ts).
 *
 * Vectors are stored in a fixed 1536-dimensional column (pgvector `vector(1536)` with an HNSW
 * cosine index, or `real[]` where the server lacks pgvector). An embedder of another native
 * dimension d < 1536 is zero-padded to 1536: padding changes neither norms nor dot products, so
 * cosine similarity is exactly that of the native vectors. d > 1536 is refused (ask the
 * provider for 1536 dimensions instead). Each chunk records the model id and native dimension
 * it was embedded with, and search compares only vectors of the active model, so switching
 * models re-embeds rather than mixing vector spaces.
 */

/** Dimension of the stored vector column. */
export const STORED_DIM = 1536;

export interface Embedder {
  /** Identifies the vector space: chunks embedded under another id are never compared. */
  readonly model: string;
  /** Native dimension (≤ STORED_DIM; shorter vectors are zero-padded when stored). */
  readonly dim: number;
  /** Most texts per `embed` call. */
  readonly maxBatch: number;
  /** One unit-length vector of `dim` numbers per text, in order. */
  embed(texts: string[]): Promise<number[][]>;
}
