// The status parser of nats.js's own consumers, whose predicates name the statuses of a pull
// request; @nats-io/jetstream exports it only under /internal (v3.4, and nats.js's main branch).
import { JetStreamStatus } from '@nats-io/jetstream/internal';
import {
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';

/** What a worker needs of a delivered task message; nats.js's JsMsg has the same members. */
export interface TaskDelivery {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers?: MsgHdrs;
  readonly info: { readonly deliveryCount: number; readonly streamSequence: number };
  ack(): void;
  nak(): void;
  term(): void;
  /** Work in progress: restarts the message's ack timer. */
  working(): void;
}

const ACK = Uint8Array.of(43, 65, 67, 75); // +ACK
const NAK = Uint8Array.of(45, 78, 65, 75); // -NAK
const WPI = Uint8Array.of(43, 87, 80, 73); // +WPI
const TERM = Uint8Array.of(43, 84, 69, 82, 77); // +TERM

/**
 * An ack waits at most this long to go out with the worker's next pull request, in one write.
 * It is sent only after the task's result is stored, and nothing waits on it but the work
 * queue's deletion of the task (a worker killed before sending it runs the task again at worst,
 * and the coordinator drops the duplicate). An ack sent on its own is a socket write of the worker
 * and a read of nats-server per task (test/bench/nats.bench.ts).
 */
const ACK_DELAY_MS = 5;

/**
 * A message delivered by a pull request: its JetStream acks are replies to the `$JS.ACK…`
 * subject it came with, as in nats.js's JsMsg (every ack but +WPI is final, and only the first
 * final one is sent). A +ACK is handed to `deferAck` (ACK_DELAY_MS); the others go at once.
 */
class PulledMessage implements TaskDelivery {
  private acked = false;
  private parsed: TaskDelivery['info'] | null = null;

  constructor(
    private readonly msg: Msg,
    private readonly deferAck: (m: Msg) => void,
    /** The delivery came from a store the server has since lost: its acks would hit other tasks. */
    private readonly stale: () => boolean,
  ) {}

  get subject(): string {
    return this.msg.subject;
  }
  get data(): Uint8Array {
    return this.msg.data;
  }
  get headers(): MsgHdrs | undefined {
    return this.msg.headers;
  }

  /**
   * From the reply subject: `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.
   * <time>.<pending>`, or the newer form with `<domain>.<account hash>` after `ACK` and a token at the end.
   */
  get info(): TaskDelivery['info'] {
    if (this.parsed) return this.parsed;
    const t = (this.msg.reply ?? '').split('.');
    if (t.length === 9) t.splice(2, 0, '_', '');
    if (t.length < 11 || t[0] !== '$JS' || t[1] !== 'ACK')
      throw new Error(`not a JetStream delivery (reply subject ${this.msg.reply ?? 'missing'})`);
    this.parsed = { deliveryCount: Number.parseInt(t[6], 10), streamSequence: Number.parseInt(t[7], 10) };
    return this.parsed;
  }

  /** Sends an ack unless a final one went already; `final` makes this one final. */
  private reply(final: boolean, send: () => void): void {
    if (this.acked || this.stale()) return;
    this.acked = final;
    send();
  }
  ack(): void {
    this.reply(true, () => this.deferAck(this.msg));
  }
  nak(): void {
    this.reply(true, () => this.msg.respond(NAK));
  }
  term(): void {
    this.reply(true, () => this.msg.respond(TERM));
  }
  working(): void {
    this.reply(false, () => this.msg.respond(WPI));
  }
}

export interface PullerHooks {
  /** A task delivered: the worker runs it or gives it back (nak). */
  readonly delivered: (m: TaskDelivery) => void;
  /** The pull request ended (filled, expired or refused): the worker may pull again. */
  readonly ended: (refused: string | null) => void;
}

/**
 * Pulls tasks from a durable pull consumer through one inbox subscription held for the worker's
 * life: each pull is one `$JS.API.CONSUMER.MSG.NEXT` request for some of the worker's free slots.
 * What it has asked for and not yet received is always known (`requested`), and the worker asks
 * only for slots free and not already asked for, so that is never more than its free slots.
 * Several requests may be outstanding: a slot that frees while another's request is on its way
 * asks at once rather than after that request is filled (one request at a time would leave a slot
 * idle for a round trip through the server; test/bench/nats.bench.ts).
 *
 * Why not `consumer.fetch()` per pull: each fetch subscribes a new inbox, builds an iterator and
 * timers, and unsubscribes when done; the worker pulls once per task, so on the no-op throughput
 * benchmark (test/bench/nats.bench.ts) that is a visible share of the worker's and the server's
 * CPU a task, and of the tasks per second.
 * test/cluster/task-puller.test.ts checks it against consumer.fetch().
 *
 * A request ends when it has delivered all it asked for, on a status the server sends to its
 * reply subject (408 expired, 409 refused, …), or locally, as refused, if neither came by its
 * expiry and a grace (a restarted server forgot it, or the consumer does not exist). Each request
 * has its own reply subject, so a status names the request it ends. A delivery carries its
 * stream subject, not the request's: it counts against the oldest request, as the server fills a
 * consumer's waiting requests in the order they came.
 */
export class TaskPuller {
  private readonly inbox = createInbox();
  private readonly sub: Subscription;
  private readonly api: string;
  /** The outstanding requests by id, oldest first (a Map keeps insertion order). */
  private readonly open = new Map<string, { asked: number; got: number; deadline: number }>();
  private next = 0;
  /** Bumped by forgetDeliveries: deliveries of an older generation send no acks. */
  private generation = 0;
  private watchdog: NodeJS.Timeout | null = null;
  private acks: Msg[] = [];
  private ackTimer: NodeJS.Timeout | null = null;
  private readonly deferAck = (m: Msg) => {
    this.acks.push(m);
    this.ackTimer ??= setTimeout(() => this.flushAcks(), ACK_DELAY_MS);
  };

  constructor(
    private readonly nc: NatsConnection,
    stream: string,
    consumer: string,
    private readonly hooks: PullerHooks,
    private readonly expiresMs = 10_000,
  ) {
    this.api = `$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`;
    this.sub = nc.subscribe(`${this.inbox}.*`, { callback: (_e, m) => this.receive(m) });
  }

  /** Tasks asked for and not yet delivered. */
  get requested(): number {
    let n = 0;
    for (const r of this.open.values()) n += r.asked - r.got;
    return n;
  }

  /** How many pull requests are outstanding. */
  get outstanding(): number {
    return this.open.size;
  }

  /** Asks for `n` more tasks (the caller counts `requested` among its slots taken). */
  pull(n: number): void {
    if (n <= 0) return;
    this.flushAcks();
    const id = (this.next++).toString(36);
    const grace = Math.max(1_000, this.expiresMs / 2);
    this.open.set(id, { asked: n, got: 0, deadline: Date.now() + this.expiresMs + grace });
    this.nc.publish(this.api, JSON.stringify({ batch: n, expires: this.expiresMs * 1_000_000 }), {
      reply: `${this.inbox}.${id}`,
    });
    this.watchdog ??= setInterval(() => this.checkExpiry(), 1_000);
  }

  /**
   * Forgets the outstanding requests (after a reconnect their fate is unknown). A delivery one
   * still makes arrives as one beyond what was asked; the worker gives it back if it has no slot.
   */
  reset(): void {
    if (this.open.size === 0) return;
    this.open.clear();
    this.hooks.ended(null);
  }

  /**
   * The server lost the store these deliveries came from (restarted on an empty volume): an ack
   * names a stream sequence, which on the new stream is another task's, so none of them (nor any
   * ack still waiting to go) is sent. Their results are still stored, and the republished tasks
   * run again; the coordinator drops the duplicates.
   */
  forgetDeliveries(): void {
    this.generation++;
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    this.acks = [];
  }

  /** Sends the acks waiting to go with the next pull request. */
  flushAcks(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    const acks = this.acks;
    this.acks = [];
    try {
      for (const m of acks) m.respond(ACK);
    } catch {
      // The connection is closed or draining: these acks are lost like any other, so their tasks
      // run again and the coordinator drops the duplicate results.
    }
  }

  /** Sends the acks still waiting and stops receiving (at shutdown). */
  stop(): void {
    this.flushAcks();
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    this.open.clear();
    if (!this.nc.isClosed()) this.sub.unsubscribe();
  }

  private receive(m: Msg): void {
    if (m.subject.startsWith(this.inbox)) {
      const status = JetStreamStatus.maybeParseStatus(m);
      // Heartbeats and flow control: none are asked for.
      if (!status || status.isIdleHeartbeat() || status.isFlowControlRequest()) return;
      // Expired (idle); any other status (exceeded max waiting, consumer deleted, …) refused it.
      this.end(
        m.subject.slice(this.inbox.length + 1),
        status.isRequestTimeout() ? null : `${status.code} ${status.description}`,
      );
      return;
    }
    const oldest = this.open.entries().next();
    const filled = !oldest.done && ++oldest.value[1].got >= oldest.value[1].asked;
    const born = this.generation;
    this.hooks.delivered(new PulledMessage(m, this.deferAck, () => born !== this.generation));
    if (filled) this.end(oldest.value[0], null);
  }

  private end(id: string, refused: string | null): void {
    if (!this.open.delete(id)) return;
    this.hooks.ended(refused);
  }

  private checkExpiry(): void {
    // The server answers an expired request with a 408; silence means it lost the request (it
    // restarted) or never took it (the consumer does not exist: nats-server 2.9 does not answer).
    const now = Date.now();
    for (const [id, r] of this.open)
      if (now > r.deadline) this.end(id, 'no answer from the server by the pull request’s expiry');
  }
}
