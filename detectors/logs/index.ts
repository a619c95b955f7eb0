/**
 * Log clustering: parse (format strings, JSON, logfmt, multi-line joins), mask (secrets first,
 * then variables, rules as data), cluster (MinHash + LSH candidates, templates with `<*>`),
 * per-template statistics and novelty, plain-data snapshots.
 */
export { compileLogFormat, type LogFormat } from './format.js';
export { parseJsonLine, parseLogfmt, parseLogfmtLine, looksLikeLogfmt, recordFromObject, type LogRecord } from './structured.js';
export { createLineParser, rawRecord, truncateLine, withContinuation, TRUNCATION_MARK, DEFAULT_MAX_LINE_LENGTH, type LineFormat } from './parse.js';
export { ContinuationDetector, MultilineJoiner, type JoinedLines } from './multiline.js';
export { DEFAULT_VARIABLE_RULES, VariableRule, createMasker, parseVariableRules, isBareMask, MASK_PATTERN, type Masker, type MaskerOptions } from './masking.js';
export { tokenize, splitTokens } from './tokenize.js';
export { MinHasher, LshIndex, hashString } from './minhash.js';
export { TemplateClusterer, ClusterOptions, ClustererSnapshot, WILDCARD, type AddResult, type AddMeta, type LogCluster } from './cluster.js';
export { NoveltyOptions, levelMix, normalizeLevel, noveltyOf, type ClusterStats, type Novelty } from './stats.js';
export { LineClusterer, loghubTemplate, type LineClustererOptions } from './pipeline.js';
export { LogTemplateMiner, type MinerOptions, type MinedRecord } from './miner.js';
