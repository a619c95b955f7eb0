/**
 * Work only one process may do at a time among those sharing a database: the detection
 * engines keep per-series state, so two processes consuming one org's signal batches would each
 * see half of every series. `whileLeading` runs the work while this process holds the role
 * (`Store.lead`), stands by while another does (trying again every `retryMs`), and takes over
 * when the holder goes away — its database session ends, and with it the lock.
 */
import type { Logger } from 'pino';
import type { Lead, Store } from '../core/ports/index.js';

/** The work, once started: stopped gracefully (the role still held) or abandoned (the role lost). */
export interface LeadWork {
  /** Ends the work while the role is still held: state may be saved for the next holder. */
  stop(): Promise<void>;
  /** Ends the work after the role was lost: another process may hold it already, so save nothing. */
  abandon(): Promise<void>;
}

export interface Leading {
  /** Settles once the first attempt has either started the work or found another holder. */
  readonly ready: Promise<void>;
  /** Whether this process holds the role and runs the work now. */
  readonly leading: boolean;
  /** Stops the work (gracefully) and gives the role up; stops standing by. */
  unsubscribe(): Promise<void>;
}

export function whileLeading(store: Pick<Store, 'lead'>, role: string, start: () => Promise<LeadWork>, opts: { logger: Logger; retryMs?: number }): Leading {
  const retryMs = opts.retryMs ?? 5000;
  const log = opts.logger.child({ role });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: { lead: Lead; work: LeadWork } | null = null;
  let standingBy = false;

  const retry = () => {
    if (stopped) return;
    timer = setTimeout(() => void attempt(), retryMs);
    timer.unref();
  };

  async function attempt(): Promise<void> {
    if (stopped) return;
    let lead: Lead | null = null;
    try {
      lead = await store.lead(role);
    } catch (err) {
      log.warn({ err }, 'could not ask for the role; trying again');
    }
    if (stopped) {
      await lead?.release();
      return;
    }
    if (!lead) {
      if (!standingBy) log.info('another process holds the role: standing by');
      standingBy = true;
      return retry();
    }
    let work: LeadWork;
    try {
      work = await start();
    } catch (err) {
      log.error({ err }, 'could not start the work of the role; giving it up and trying again');
      await lead.release();
      return retry();
    }
    if (stopped) {
      await work.stop();
      await lead.release();
      return;
    }
    current = { lead, work };
    standingBy = false;
    log.info('holding the role');
    const held = lead;
    void held.lost.then(async () => {
      // our own release settles `lost` too: only a loss while we still run the work counts
      if (stopped || current?.lead !== held) return;
      current = null;
      log.warn('lost the role (its database session ended); standing by');
      await work.abandon().catch((err) => log.error({ err }, 'abandoning the work failed'));
      retry();
    });
  }

  const ready = attempt();
  return {
    ready,
    get leading() {
      return current !== null;
    },
    async unsubscribe() {
      stopped = true;
      clearTimeout(timer);
      await ready.catch(() => undefined);
      const c = current;
      current = null;
      if (!c) return;
      try {
        await c.work.stop();
      } finally {
        await c.lead.release();
      }
    },
  };
}
