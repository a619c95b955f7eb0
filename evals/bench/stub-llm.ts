/**
 * A local OpenAI-compatible chat-completions endpoint that answers at once, for measuring our own
 * overhead per turn with an LLM configured (`warroom bench ask` subtracts model time; with this
 * stub the model time is the HTTP round trip). A user message gets one `list_incidents` tool call;
 * a tool result gets a short final answer. Run: `npx tsx evals/bench/stub-llm.ts [port]`, then
 * `OPENAI_BASE_URL=http://127.0.0.1:PORT/v1 OPENAI_API_KEY=x node bin/warroom.js bench ask`.
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 18080);
let n = 0;
createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const parsed = JSON.parse(body || '{}') as { messages?: { role: string }[] };
    const last = parsed.messages?.at(-1)?.role;
    const id = `stub-${++n}`;
    const message =
      last === 'tool'
        ? { role: 'assistant', content: 'Here is what I found.' }
        : { role: 'assistant', content: null, tool_calls: [{ id: `call_${n}`, type: 'function', function: { name: 'list_incidents', arguments: '{"status":"open"}' } }] };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ id, object: 'chat.completion', created: 0, model: 'stub', choices: [{ index: 0, message, finish_reason: last === 'tool' ? 'stop' : 'tool_calls' }], usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 } }));
  });
}).listen(port, '127.0.0.1', () => process.stdout.write(`stub LLM on http://127.0.0.1:${port}/v1\n`));
