/**
 * The pull loop behind one NATS subscription: pulls at most `concurrency` messages at a time,
 * runs them with at most `concurrency` in flight, keeps the ack timer alive while a handler
 * runs, and stops cleanly (running handlers finish and ack before stop() resolves).
 */
import type { Consumer, JsMsg } from '@nats-io/jetstream';

export interface Runner {
  stop(): Promise<void>;
}

export interface RunnerOptions {
  concurrency: number;
  /** How often to tell the server a running handler is still working (below ack_wait). */
  heartbeatMs: number;
  /** Must ack, nak or term the message itself. Rejections are reported, never rethrown. */
  handle(m: JsMsg): Promise<void>;
  onError(err: unknown): void;
}

export async function runConsumer(consumer: Consumer, o: RunnerOptions): Promise<Runner> {
  // max_messages bounds the client's prefetch: besides the `concurrency` messages running, at
  // most that many more wait in the client's buffer. Their ack_wait runs while they wait, so
  // ack_wait should comfortably exceed a handler's run time (a redelivery that results is
  // caught by the consumer-side dedupe or the handler's own idempotency).
  const messages = await consumer.consume({ max_messages: o.concurrency });
  const inflight = new Set<Promise<void>>();
  let stopping = false;

  // The client retries on its own when the consumer or stream vanishes (e.g. deleted by an
  // operator); without this nobody would hear that the subscription is now receiving nothing.
  void (async () => {
    for await (const st of messages.status()) {
      if (st.type === 'consumer_deleted' || st.type === 'consumer_not_found' || st.type === 'stream_not_found') {
        o.onError(new Error(`subscription is not receiving: ${st.type}`));
      }
    }
  })().catch(() => undefined);

  const run = (m: JsMsg) => {
    // working() resets the server's ack timer, so a slow but live handler is not redelivered elsewhere.
    const beat = setInterval(() => safely(() => m.working()), o.heartbeatMs);
    const p: Promise<void> = Promise.resolve()
      .then(() => o.handle(m))
      .catch((err: unknown) => {
        o.onError(err);
        // The handler wrapper failed before settling the message: let the server retry it.
        safely(() => m.nak());
      })
      .finally(() => {
        clearInterval(beat);
        inflight.delete(p);
      });
    inflight.add(p);
  };

  const loop = (async () => {
    for await (const m of messages) {
      while (inflight.size >= o.concurrency && !stopping) await Promise.race(inflight);
      if (stopping) {
        // Already pulled but not started: give it back now instead of after ack_wait.
        safely(() => m.nak());
        continue;
      }
      run(m);
    }
  })().catch((err: unknown) => o.onError(err));

  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        stopping = true;
        // close() resolves only when our loop has drained the iterator, so do not await it first.
        const closed = messages.close().catch((err: unknown) => o.onError(err));
        await loop;
        await closed;
        await Promise.all([...inflight]);
      })();
      return stopped;
    },
  };
}

/** Ack-family calls throw only when the connection is gone; the server redelivers then anyway. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // connection closed: nothing to tell
  }
}
