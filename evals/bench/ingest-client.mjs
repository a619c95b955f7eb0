// Load generator for `warroom bench ingest`, run in a worker thread so the server's event loop
// does not also carry the client. Posts pre-built batches with N requests in flight.
import { parentPort, workerData } from 'node:worker_threads';

const { url, key, bodies, concurrency } = workerData;
const latencies = [];
let accepted = 0;
let failed = 0;
let next = 0;
const t0 = performance.now();
async function lane() {
  while (next < bodies.length) {
    const body = bodies[next++];
    const s = performance.now();
    const res = await fetch(`${url}/v1/signals/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
    const json = await res.json();
    latencies.push(performance.now() - s);
    if (res.status === 202) accepted += json.accepted;
    else failed++;
  }
}
await Promise.all(Array.from({ length: concurrency }, lane));
parentPort.postMessage({ seconds: (performance.now() - t0) / 1000, accepted, failed, latencies });
