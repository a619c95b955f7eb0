/** The knowledge base: documents, their chunks and embeddings, and hybrid search over them. */
import type { Incident } from '../schemas.js';

/** A document as stored (its chunks are stored with it and replaced with it). */
export interface KbDocumentInput {
  id: string;
  title: string;
  /** Where it came from: "upload", "folder:<name>", "cli"… */
  source: string;
  /** Its path or URL, when it has one (the identity of a re-upload). */
  uri: string | null;
  mime: string;
  /** sha256 of the extracted text: re-indexing identical content is a no-op. */
  contentHash: string;
  bytes: number;
  meta: Record<string, unknown>;
}
export interface KbDocument extends KbDocumentInput {
  orgId: string;
  chunkCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface KbEmbedding {
  model: string;
  /** Native dimension of the model (the stored vector is zero-padded to 1536 where pgvector is used). */
  dim: number;
  /** Unit-length, `dim` numbers. */
  vector: number[];
}

export interface KbChunkInput {
  id: string;
  ord: number;
  /** The chunk as shown in citations (secrets already masked). */
  text: string;
  headingPath: string[];
  lineStart: number;
  lineEnd: number;
  contentHash: string;
  /** Full-text input, weight A: the document title (compound identifiers as words). */
  lexicalTitle: string;
  /** Full-text input, weight B: the headings below the title. */
  lexicalHeadings: string;
  /** Full-text input, weight D: the body (compound identifiers kept and split). */
  lexicalBody: string;
  embedding: KbEmbedding | null;
}

export interface KbChunkHit {
  chunkId: string;
  docId: string;
  title: string;
  uri: string | null;
  ord: number;
  text: string;
  headingPath: string[];
  lineStart: number;
  lineEnd: number;
  /** Lexical: the rank score; vector: cosine similarity. */
  score: number;
}

export interface KbSearchRequest {
  /** Full-text terms, OR-ed (none: no lexical list). */
  terms: string[];
  /** Query vector of the active model (null: no vector list). */
  vector: KbEmbedding | null;
  /** Candidates per list. */
  limit: number;
}

export interface KbSearchCandidates {
  lexical: KbChunkHit[];
  vector: KbChunkHit[];
  /** true when vectors were compared exhaustively (no pgvector index on this server). */
  exact: boolean;
}

/** What the incident's latest confident analysis found (kb/incident-context.ts). */
export interface KbAnalysisContext {
  /** The service it blames. */
  service: string;
  /** That service's metrics that moved, with the direction: "error_rate high". */
  metrics: string[];
  /** Log templates that grew or appeared there, errors first. */
  templates: string[];
  /** Correlated changes: "deploy payments@1.43.0". */
  changes: string[];
}

/** What an incident says about itself, to steer a knowledge search. */
export interface KbIncidentContext {
  incident: Incident;
  /** The latest stored analysis's result (rca's AnalysisResult as JSON), or null. */
  analysisResult?: unknown;
  /** What that analysis found, when it is confident (kb/incident-context.ts): then it leads the query. */
  analysis?: KbAnalysisContext | null;
  /** Log templates of the incident's service, most frequent first, and log-cluster evidence. */
  templates: string[];
  /** Alert names and series of the incident's anomalies and evidence. */
  alerts: string[];
}

export interface KbStore {
  /**
   * Stores a document and replaces all its chunks in one transaction (readers see the old or
   * the new version, never a mix). Chunks with the same content hash within the document must
   * be merged by the caller.
   */
  kbPutDocument(doc: KbDocumentInput, chunks: KbChunkInput[]): Promise<{ document: KbDocument; status: 'created' | 'replaced' }>;
  kbGetDocument(id: string): Promise<KbDocument | null>;
  kbListDocuments(q?: { source?: string; limit?: number }): Promise<KbDocument[]>;
  /** Deletes a document and its chunks; false when there was none. */
  kbDeleteDocument(id: string): Promise<boolean>;
  /** Stored vectors of chunks with these content hashes under `model` (to reuse instead of re-embedding). */
  kbEmbeddingsByHash(model: string, hashes: string[]): Promise<Map<string, KbEmbedding>>;
  /** Chunks not embedded with `model` (other model, or none), oldest documents first. */
  kbChunksToEmbed(model: string, limit: number): Promise<{ id: string; docTitle: string; text: string; headingPath: string[]; contentHash: string }[]>;
  kbSetEmbeddings(rows: { id: string; embedding: KbEmbedding }[]): Promise<number>;
  /** Two ranked candidate lists: full-text and nearest vectors of the active model. */
  kbSearch(req: KbSearchRequest): Promise<KbSearchCandidates>;
  kbIncidentContext(incidentId: string): Promise<KbIncidentContext | null>;
  kbStats(): Promise<{ documents: number; chunks: number; byModel: Record<string, number> }>;
}
