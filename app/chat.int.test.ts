/**
 * The chat on the production engines: Postgres (the application role) and NATS JetStream. An
 * incident opened from the local chat gets its war room through the bus (group chat-local) with
 * the summary card, and a plan drafted there is posted by the war room, once.
 */
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from './embedded.js';

const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const streamPrefix = `CHAT_${randomBytes(4).toString('hex').toUpperCase()}`;
let e: Embedded;

beforeAll(async () => {
  e = await startEmbedded('postgres', { NATS_URL: natsUrl, NATS_STREAM_PREFIX: streamPrefix });
});
afterAll(async () => {
  await e?.stop();
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  for (const s of [streamPrefix, `${streamPrefix}_DLQ`]) await jsm.streams.delete(s).catch(() => false);
  await nc.close();
});

describe('chat on Postgres and NATS', () => {
  it('opens the war room of an incident opened in the local chat, and posts its plan once', async () => {
    const opened = await e.client().post('/chat/api/command', { text: 'open checkout payment step times out' });
    expect(opened.status).toBe(200);
    const id = /Opened incident (\S+)/.exec(opened.body.reply.text)![1];
    const surface = e.w.chat()!.local!.surface;
    await expect.poll(() => surface.messages(id)?.map((m) => m.cardKind), { timeout: 20_000 }).toEqual(['incident_summary']);
    const plan = await e.client().post('/chat/api/command', { text: 'plan', incident_id: id });
    expect(plan.body.ack).toEqual({ ok: true, command: 'plan' });
    await expect.poll(() => surface.messages(id)?.filter((m) => m.cardKind === 'fix_plan').length, { timeout: 20_000 }).toBe(1);
    const room = await e.client().get(`/chat/api/rooms/${id}`);
    expect(room.body.messages.filter((m: { card_kind: string }) => m.card_kind === 'fix_plan')).toHaveLength(1);
  });
});
