// Load generator for `warroom bench ingest`, run as a separate process so the server process
// carries only the server. Receives {url, key, bodies, concurrency} over IPC, posts the
// pre-built batches with N requests in flight, and sends the timings back.
const { url, key, bodies, concurrency } = await new Promise((resolve) => process.once('message', resolve));
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
process.send({ seconds: (performance.now() - t0) / 1000, accepted, failed, latencies }, () => process.exit(0));
