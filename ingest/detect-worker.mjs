// Entry of the detection worker thread. Built (dist/), the compiled worker sits next to this
// file; from the sources, a worker starts without the parent's TypeScript loader, so it
// registers tsx itself before loading the worker's code.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const compiled = new URL('./detect-worker.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./detect-worker.ts');
}
