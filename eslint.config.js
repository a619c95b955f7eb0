// Lint: typescript-eslint's recommended rules, plus the import-direction rule that keeps the
// pure core (core/, detectors/, rca/, policies/) free of I/O libraries.
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
    files: ['core/**/*.ts', 'detectors/**/*.ts', 'rca/**/*.ts', 'policies/**/*.ts', 'sim/**/*.ts'],
    ignores: ['**/*.test.ts', 'sim/edge/**', 'sim/test-helpers.ts'],
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
