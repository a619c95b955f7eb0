/**
 * The repository root: the nearest folder above this file that holds package.json. The suites
 * look for benchmark data in `../shared/data` next to it, and this file runs from two depths:
 * `evals/` in the sources and `dist/evals/` once built, so a fixed `../..` would be wrong in one.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const REPO_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
