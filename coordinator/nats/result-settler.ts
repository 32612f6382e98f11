import type { JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { ResultReceiver } from '../transport/types.js';
import { type ResultIntake, takeResults } from './result-intake.js';

/**
 * Results are journaled and acked at most this long after they arrive. Nothing waits on those
 * acks (a worker acks its task once the result is stored), and a kill loses only results not
 * acked, which come back. Batching by turn of the event loop instead gave 1.4 results a batch on
 * the no-op benchmark: they arrive one by one, as the workers' slots free.
 */
const SETTLE_MS = 20;

/**
 * Takes the results of a coordinator's consumer and settles them a batch at a time: one journal
 * write, then one ack (the consumer acks all before it: AckAll), for what arrived within SETTLE_MS.
 */
export class ResultSettler {
  /** The last message taken and not yet acked. */
  private unacked: JsMsg | null = null;
  private timer: NodeJS.Timeout | null = null;
  /**
   * Results taken that were new rows (a message may hold several). A result the killed
   * coordinator journaled but had not acked comes back and is not one: counted, it had made the
   * resume's numbers add up to more than the plan.
   */
  stored = 0;

  constructor(
    private readonly intake: ResultIntake & { readonly results: ResultReceiver },
    private readonly log: Logger,
    /** A settle that failed after the message's turn (the journal's write). */
    private readonly fail: (e: unknown) => void,
  ) {}

  /** Stores the results a message holds (result-intake.ts); returns whether any was a new row. */
  take(m: JsMsg): boolean {
    const { fresh, stored } = takeResults(m, this.intake);
    this.stored += stored;
    this.unacked = m;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      try {
        this.settle();
      } catch (e) {
        this.fail(e);
      }
    }, SETTLE_MS);
    return fresh;
  }

  /** Journals the results taken so far, then acks them. */
  settle(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.intake.results.flush();
    const m = this.unacked;
    this.unacked = null;
    try {
      m?.ack();
    } catch (e) {
      // The connection is closing or gone: the results are journaled; unacked, they come back
      // to this out dir's consumer and are dropped as duplicates.
      this.log.debug(`ack of results up to ${m?.subject} not sent: ${(e as Error).message}`);
    }
  }

  /** Drops the pending ack: its consumer is gone, and the sequence it names is another's now. */
  forget(): void {
    this.unacked = null;
  }
}
