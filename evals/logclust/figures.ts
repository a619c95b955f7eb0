/**
 * Prints the held-out log-clustering figures (no data needed): `npx tsx evals/logclust/figures.ts`.
 * The same rows the `logclust` and `loghub` suites print, without the speed run.
 */
import { heldOutFigures } from './heldout.js';

const held = heldOutFigures();
for (const row of held.rows) console.log(Object.values(row).join('\t'));
console.log(JSON.stringify(held.metrics));
