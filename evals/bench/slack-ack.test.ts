/** The ack bench measures real acknowledgements: every signed command answered, in time. */
import { expect, it } from 'vitest';
import { measureSlackAck } from './slack-ack.js';

it('times signed slash commands acknowledged by the Bolt app, none failed, well under 3 s', async () => {
  const f = await measureSlackAck({ requests: 30, concurrency: 3, warmup: 3 });
  expect(f).toMatchObject({ requests: 30, concurrency: 3, failed: 0 });
  expect(f.p50Ms).toBeGreaterThan(0);
  expect(f.p95Ms).toBeGreaterThanOrEqual(f.p50Ms);
  expect(f.maxMs).toBeLessThan(3000);
});
