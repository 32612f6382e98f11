import { JetStreamApiError, type PubAck } from '@nats-io/jetstream';
import {
  createInbox,
  errors,
  headers,
  type Msg,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';

const decoder = new TextDecoder();
/** How often outstanding publishes are checked against their deadline. */
const SWEEP_MS = 250;

interface Waiting {
  readonly subject: string;
  readonly deadline: number;
  readonly resolve: (a: PubAck) => void;
  readonly reject: (e: Error) => void;
}

/**
 * Publishes to JetStream streams and waits for each PubAck, on the wire exactly as
 * `js.publish(subject, data, { msgID, timeout })` does (a message with a `Nats-Msg-Id` header and
 * a reply inbox; the server answers with a PubAck, a JetStream error or a 503 no-responders
 * status), but with one reply subscription, one sweep timer and no per-request objects.
 *
 * Why not js.publish: tasks and results are published once per task, and on the no-op throughput
 * benchmark (test/bench/nats.bench.ts) nats.js's request path cost a timer, a deferred and two
 * Error objects with stack captures per publish (RequestOne builds a "cancelled" error even on
 * success), a visible share of the worker's and the coordinator's CPU a task there.
 * test/cluster/stream-publisher.test.ts checks it against js.publish.
 *
 * Errors: TimeoutError past the deadline, JetStreamApiError for a refusal by the stream (as
 * js.publish), RequestError for a publish cut by a reconnect, and NoRespondersError when no stream
 * takes the subject. That last one departs from js.publish, which reports it as
 * JetStreamNotEnabled, a permanent error: publishUntilStored retries it (with a warning each
 * time, backing off to 5 s), as it retries a server that is away.
 */
export class StreamPublisher {
  private readonly inbox: string;
  private readonly prefixLength: number;
  private readonly sub: Subscription;
  private readonly waiting = new Map<string, Waiting>();
  private next = 0;
  private sweeper: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly nc: NatsConnection) {
    this.inbox = createInbox();
    this.prefixLength = this.inbox.length + 1;
    this.sub = nc.subscribe(`${this.inbox}.*`, { callback: (_e, m) => this.reply(m) });
    void this.watch();
  }

  /**
   * Publishes once; resolves with the PubAck (duplicate: true when the msgID was seen). `header`
   * adds one more header (name and value) to the message.
   */
  publish(
    subject: string,
    data: Uint8Array,
    msgID: string,
    timeoutMs: number,
    header?: readonly [string, string],
  ): Promise<PubAck> {
    if (this.closed) return Promise.reject(new errors.ClosedConnectionError());
    const token = (this.next++).toString(36);
    const h = headers();
    h.set('Nats-Msg-Id', msgID);
    if (header) h.set(header[0], header[1]);
    return new Promise<PubAck>((resolve, reject) => {
      try {
        this.nc.publish(subject, data, { reply: `${this.inbox}.${token}`, headers: h });
      } catch (e) {
        reject(e as Error);
        return;
      }
      this.waiting.set(token, { subject, deadline: Date.now() + timeoutMs, resolve, reject });
      this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS);
    });
  }

  private reply(m: Msg): void {
    const token = m.subject.slice(this.prefixLength);
    const w = this.waiting.get(token);
    if (!w) return; // answered after its deadline
    this.waiting.delete(token);
    if (m.data.length === 0 && m.headers?.code === 503) {
      w.reject(new errors.NoRespondersError(w.subject));
      return;
    }
    let ack: PubAck & { error?: { code: number; err_code: number; description: string } };
    try {
      ack = JSON.parse(decoder.decode(m.data));
    } catch (e) {
      w.reject(new Error(`unreadable PubAck for ${w.subject}: ${(e as Error).message}`));
      return;
    }
    if (ack.error) w.reject(new JetStreamApiError(ack.error));
    else if (!ack.stream) w.reject(new Error(`invalid PubAck for ${w.subject}`));
    else {
      ack.duplicate = ack.duplicate === true;
      w.resolve(ack);
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, w] of this.waiting)
      if (w.deadline <= now) {
        this.waiting.delete(token);
        w.reject(new errors.TimeoutError());
      }
    if (this.waiting.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  /** Rejects everything outstanding (as transient: the caller publishes again). */
  private failAll(e: Error): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of all) w.reject(e);
  }

  /**
   * A publish outstanding across a reconnect may never be answered (the server may not have
   * stored it): fail it at once, so it is sent again now, not after its deadline. A repeat is
   * harmless: the msgID makes it a duplicate.
   */
  private async watch(): Promise<void> {
    for await (const s of this.nc.status())
      if (s.type === 'reconnect') this.failAll(new errors.RequestError('connection reconnected'));
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    this.failAll(new errors.ClosedConnectionError());
    if (!this.nc.isClosed()) this.sub.unsubscribe();
  }
}
