// Lint: typescript-eslint's recommended rules, plus the rule that keeps the pure folders
// (core/, detectors/, rca/, policies/, kb/, remediate/, sim/, bot/cards/) free of I/O libraries, the
// environment, the wall clock and unseeded randomness.
//
// A pure folder's adapters sit in an edge subfolder of that folder, excluded below: kb/io/ (the
// folder reader, the OpenAI-compatible embeddings client), remediate/runners/ (what executes a
// step), sim/edge/. A subfolder rather than one top-level adapters/ folder, so that a concern
// stays in one place (one folder per concern, ARCHITECTURE.md) and its edge is one look away.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const IO_LIBS = ['pg', 'pg-*', '@slack/*', 'botbuilder*', '@langchain/*', 'nats', '@nats-io/*', 'express', '@electric-sql/*', '@kubernetes/*', '@octokit/*', 'node:fs', 'node:net', 'node:http', 'fs', 'http', 'pino*'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.warroom/**', 'dist/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['core/**/*.ts', 'detectors/**/*.ts', 'rca/**/*.ts', 'policies/**/*.ts', 'kb/**/*.ts', 'remediate/**/*.ts', 'sim/**/*.ts', 'bot/cards/**/*.ts'],
    ignores: ['**/*.test.ts', 'kb/io/**', 'remediate/runners/**', 'sim/edge/**', 'sim/test-helpers.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: IO_LIBS, message: 'The pure core must not import I/O libraries; put it behind a port.' }] }],
      'no-restricted-globals': ['error', { name: 'process', message: 'Only app/ reads the environment.' }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pass a Clock.' },
        { object: 'Math', property: 'random', message: 'Pass an Rng.' },
      ],
    },
  },
  {
    files: ['bin/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', performance: 'readonly', fetch: 'readonly' } },
  },
);
