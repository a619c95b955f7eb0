// Entry of the detection worker thread: a worker starts without the parent's TypeScript
// loader, so it registers tsx itself before loading the worker's code.
import { register } from 'tsx/esm/api';
register();
await import('./detect-worker.ts');
