import { hostname } from 'node:os';
import { errors, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Piscina } from 'piscina';
import { HealthServer } from './health.js';
import { connectNats, type ResolvedConnection } from './nats/connection.js';
import { TASKS_STREAM, TFJS_WORKERS_CONSUMER, WORKERS_CONSUMER } from './nats/names.js';
import { backoffMs, publishUntilStored } from './nats/publish.js';
import { RESULTS_HEADER, type ResultItem, resultMessage } from './nats/result-batch.js';
import { ensureInfrastructure, streamCreated } from './nats/setup.js';
import { StreamPublisher } from './nats/stream-publisher.js';
import type { TaskMessageJob } from './pool-worker.js';
import { announce, PRESENCE_EVERY_MS } from './presence.js';
import { ResultBatcher } from './result-batcher.js';
import { outcomeOfJob, type TaskOutcome } from './task-bytes.js';
import { runTaskMessage, type TaskMessageHost, type Where } from './task-message.js';
import { openTaskPool } from './task-pool.js';
import { type TaskDelivery, TaskPuller } from './task-puller.js';
import { TfjsLane } from './tfjs-lane.js';

/** Long-poll of a pull request: an idle worker asks again this often. */
const FETCH_EXPIRES_MS = 10_000;
/**
 * Pull requests a worker keeps outstanding at most. Slots freeing one by one each ask at once, up
 * to this; past it, the next request asks for every slot free by then. The server holds at most
 * the consumer's max_waiting (setup.ts: 4,096) requests from all workers together.
 */
const MAX_PULLS = 4;
/**
 * Results computed within this long of each other go to the server as one message
 * (result-batcher.ts); their tasks are acked that much later, and nothing else waits on it. The
 * window is a measured constant (the no-op throughput benchmark, test/bench/nats.bench.ts): a
 * shorter one cost more CPU a task, a longer one gained little.
 */
const RESULT_WINDOW_MS = 5;

export interface WorkerOptions {
  readonly connection: ResolvedConnection;
  readonly threads: number;
  readonly log: Logger;
  readonly healthPort?: number;
  readonly healthHost?: string;
  /** Give up the drain after this long: return the tasks still running to the queue, exit 1. */
  readonly drainTimeoutMs?: number;
  /** Also run tfjs-engine tasks, on one tfjs thread beside the pool (README, "Engines"). */
  readonly tfjs?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A worker process: pulls tasks from the durable consumer every worker shares, runs them on a
 * Piscina pool (pool-worker.ts: a task message's bytes in, its result message's bytes out) and
 * publishes each result before it acks the task.
 *
 * - It never holds more tasks than its threads can run: it asks only for slots free and not
 *   already asked for (task-puller.ts), and a task delivered beyond them is given back at once,
 *   so no task waits in a local buffer while its ack timer runs and another worker idles. A slot
 *   is free again as soon as its task's result is computed; the tasks it still holds are only
 *   those whose results are being published.
 * - Each message is handled by runTaskMessage (task-message.ts): working() heartbeats while it
 *   runs, the ack only after the server's PubAck of the result (a worker killed at any point loses
 *   no result, at worst runs a task twice), `max deliveries` and malformed messages refused,
 *   reported and terminated.
 * - Results computed within RESULT_WINDOW_MS of each other are published as one message
 *   (result-batcher.ts), and each task is acked once that message is stored.
 */
export class NatsWorker {
  readonly id = `${hostname()}:${process.pid}`;
  private nc!: NatsConnection;
  private publisher!: StreamPublisher;
  private puller!: TaskPuller;
  private pool!: Piscina;
  private tfjs: TfjsLane | null = null;
  /** tfjs tasks accepted and not yet finished (outside the pool's slots). */
  private tfjsRunning = 0;
  private health: HealthServer | null = null;
  private ackWaitMs = 30_000;
  private maxDeliver = 5;
  private connected = false;
  private pulling = false;
  private draining = false;
  private abandoned = false;
  private running = 0;
  private results!: ResultBatcher<ResultItem & { readonly m: TaskDelivery }>;
  private pullFailures = 0;
  private tasksCreated: string | null | undefined;
  private readonly inFlight = new Map<TaskDelivery, Promise<void>>();
  private retryTimer: NodeJS.Timeout | null = null;
  private presenceTimer: NodeJS.Timeout | null = null;
  private closing = false;
  private done = 0;
  private finished!: (code: number) => void;
  readonly exited = new Promise<number>((r) => {
    this.finished = r;
  });

  /** What runTaskMessage needs of this worker (read when a message is handled). */
  private readonly host: TaskMessageHost;

  constructor(private readonly o: WorkerOptions) {
    this.host = {
      id: this.id,
      log: this.o.log,
      maxDeliver: () => this.maxDeliver,
      ackWaitMs: () => this.ackWaitMs,
      maxPayload: () => this.nc.info?.max_payload ?? Number.POSITIVE_INFINITY,
      execute: (m, at) => this.execute(m, at),
      publish: (at, data, msgID, m) => this.publish(at, data, msgID, m),
      computed: () => this.pump(),
      abandoned: () => this.abandoned,
    };
  }

  private notReady(): string | null {
    if (this.draining) return 'draining';
    if (!this.pulling) return 'starting';
    if (!this.connected) return 'disconnected from NATS';
    return null;
  }

  /** Starts the probes, connects, makes sure the streams and consumer exist, starts pulling. */
  async start(): Promise<void> {
    const { log } = this.o;
    if (this.o.healthPort !== undefined) {
      this.health = await HealthServer.listen(this.o.healthPort, this.o.healthHost ?? '0.0.0.0', () =>
        this.notReady(),
      );
      log.info(`health on :${this.health.port} (GET /healthz, /readyz)`);
    }
    this.nc = await connectNats(this.o.connection, { log, waitMs: Number.POSITIVE_INFINITY });
    this.connected = true;
    if (this.closing) return void (await this.nc.close());
    void this.watchConnection();
    const infra = await ensureInfrastructure(this.nc, log);
    this.tasksCreated = await streamCreated(infra.jsm, TASKS_STREAM);
    this.ackWaitMs = (infra.workers.config.ack_wait ?? 30e9) / 1e6;
    this.maxDeliver = infra.workers.config.max_deliver ?? -1;
    this.publisher = new StreamPublisher(this.nc);
    this.results = new ResultBatcher(
      (key, items) => this.store(key, items),
      RESULT_WINDOW_MS,
      () => this.host.maxPayload(),
    );
    this.puller = new TaskPuller(
      this.nc,
      TASKS_STREAM,
      WORKERS_CONSUMER,
      { delivered: (m) => this.delivered(m), ended: (refused) => this.pullEnded(refused) },
      FETCH_EXPIRES_MS,
    );
    this.pool = openTaskPool(this.o.threads);
    if (this.o.tfjs) this.tfjs = await TfjsLane.open(this.nc, log);
    this.pulling = true;
    log.info(
      `worker ${this.id}: ${this.o.threads} thread(s) pulling from ${TASKS_STREAM}/${WORKERS_CONSUMER}${this.o.tfjs ? ` and a tfjs thread from ${TASKS_STREAM}/${TFJS_WORKERS_CONSUMER}` : ''} (ack wait ${this.ackWaitMs / 1000} s, max deliveries ${this.maxDeliver})`,
    );
    this.presenceTimer = setInterval(() => this.announce(), PRESENCE_EVERY_MS);
    this.announce();
    this.pump();
    void this.tfjs?.pump({
      accept: (m) => this.accept(m, 'tfjs'),
      draining: () => this.draining,
      closing: () => this.closing,
    });
  }

  private announce(): void {
    announce(this.nc, {
      id: this.id,
      threads: this.o.threads,
      running: this.running + this.tfjsRunning,
      draining: this.draining,
      engines: this.o.tfjs ? ['f64', 'tfjs'] : ['f64'],
    });
  }

  private async watchConnection(): Promise<void> {
    const { log } = this.o;
    void this.nc.closed().then((err) => {
      if (this.draining && !err) return;
      const auth =
        err instanceof errors.AuthorizationError || err instanceof errors.UserAuthenticationExpiredError;
      log.error(
        `NATS connection closed${err ? `: ${err.message}` : ''}${auth ? ' (credentials refused on reconnect)' : ''}; ${this.running} task(s) will be redelivered`,
      );
      this.shutdown(auth ? 2 : 1);
    });
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect') {
        this.connected = false;
        log.warn('disconnected from NATS; reconnecting');
      } else if (s.type === 'reconnect') {
        this.connected = true;
        log.info('reconnected to NATS');
        // What the server held of the last pull request is unknown now: ask again.
        this.puller?.reset();
        this.checkStore().catch((e: Error) => this.o.log.warn(`checking the server's streams: ${e.message}`));
        this.pump();
      } else if (s.type === 'ldm') log.warn('NATS server entering lame-duck mode');
    }
  }

  /**
   * After a reconnect: recreates what the server lacks (nothing, unless it lost its store) and
   * compares the tasks stream's creation with the one pulled from: a new stream means the server
   * lost its store, and the deliveries in flight must not be acked on it (task-puller.ts).
   */
  private async checkStore(): Promise<void> {
    const created = await streamCreated((await ensureInfrastructure(this.nc, this.o.log)).jsm, TASKS_STREAM);
    if (created === undefined || created === this.tasksCreated) return;
    this.tasksCreated = created;
    this.puller.forgetDeliveries();
    this.o.log.warn(
      `the server lost its store (the tasks stream was recreated): ${this.running} task(s) in flight will not be acked on it`,
    );
  }

  /** Requests as many tasks as there are free slots (see the class comment). */
  private pump(): void {
    if (this.draining || !this.pulling || !this.connected || this.retryTimer) return;
    // Results waiting for the server also hold their tasks (unacked): besides the tasks running,
    // at most `threads` messages of results may be on their way; past that (a slow or absent
    // server) stop pulling.
    if (this.results.sending > this.o.threads) return;
    if (this.puller.outstanding >= MAX_PULLS) return;
    // Every slot free and not yet asked for (task-puller.ts).
    this.puller.pull(this.o.threads - this.running - this.puller.requested);
  }

  /** A task from the pull request: run it, or give it back when there is no slot for it. */
  private delivered(m: TaskDelivery): void {
    // More than asked (a pull request repeated across a reconnect) or after the drain began.
    if (this.draining || this.running >= this.o.threads) {
      m.nak();
      return;
    }
    this.accept(m);
  }

  private pullEnded(refused: string | null): void {
    if (!refused) {
      this.pullFailures = 0;
      this.pump();
      return;
    }
    if (this.draining) return;
    // Back off after a refused pull so a server that keeps refusing is not hammered.
    this.pullFailures++;
    this.o.log.warn(`pulling tasks: ${refused}; retrying`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.pump();
    }, backoffMs(this.pullFailures));
  }

  private accept(m: TaskDelivery, lane: 'f64' | 'tfjs' = 'f64'): void {
    if (lane === 'tfjs') this.tfjsRunning++;
    else this.running++;
    const p = this.handle(m, lane)
      .catch((e) => this.o.log.error(`task message ${m.subject}: ${(e as Error).stack ?? e}`))
      .finally(() => {
        this.inFlight.delete(m);
        this.pump();
      });
    this.inFlight.set(m, p);
  }

  private async handle(m: TaskDelivery, lane: 'f64' | 'tfjs'): Promise<void> {
    let slot = true;
    const freeSlot = () => {
      if (slot) {
        slot = false;
        if (lane === 'tfjs') this.tfjsRunning--;
        else this.running--;
      }
    };
    try {
      if (await runTaskMessage(m, this.host, freeSlot)) this.done++;
    } finally {
      freeSlot();
    }
  }

  /**
   * The pool decodes, runs and encodes a task in its thread (pool-worker.ts runMessage), but for
   * a tfjs task from the tfjs consumer, which joins the tfjs lane's batch.
   */
  private async execute(m: TaskDelivery, at: Where): Promise<TaskOutcome> {
    const tfjs = await this.tfjs?.execute(m, at, this.id);
    if (tfjs) return tfjs;
    // A copy of just these bytes, moved to the thread: the message's are a view into the
    // connection's read buffer (a Buffer, whose slice() is a view too, so it is not used here).
    const data = new Uint8Array(m.data);
    const job: TaskMessageJob = { data, subjectTaskId: at.taskId, sender: this.id };
    return outcomeOfJob(await this.pool.run(job, { name: 'runMessage', transferList: [data.buffer] }));
  }

  /** Hands a result to the batcher: resolves once the server has stored it. */
  private publish(at: Where, data: Uint8Array, msgID: string, m: TaskDelivery): Promise<void> {
    return this.results.add(at.key, { taskId: at.taskId, data, msgID, m });
  }

  /** Publishes results to the results stream until the server acknowledges (retrying while it is away). */
  private async store(key: string, items: readonly (ResultItem & { readonly m: TaskDelivery })[]) {
    const r = resultMessage(key, items);
    await publishUntilStored(this.publisher, r.subject, r.data, r.msgID, {
      abandoned: () => this.abandoned,
      retrying: (e) => {
        const what = items.length === 1 ? items[0].taskId : `${items.length} tasks`;
        this.o.log.warn(`publishing the result of ${what}: ${e.message}; retrying`);
        for (const it of items) it.m.working();
      },
      header: r.header === null ? undefined : [RESULTS_HEADER, r.header],
    });
  }

  /** SIGTERM: stop pulling, let the tasks in flight finish and their results be stored, exit 0. */
  drain(signal: string): void {
    const { log } = this.o;
    if (this.draining) {
      log.warn(`${signal} again: giving up the drain`);
      this.abandon();
      return;
    }
    this.draining = true;
    log.info(`${signal}: draining: stopped pulling; finishing ${this.inFlight.size} task(s) in flight`);
    // Still starting: nothing is in flight.
    if (!this.pulling) {
      this.shutdown(0);
      return;
    }
    void this.drainNow();
  }

  private async drainNow(): Promise<void> {
    const { log } = this.o;
    this.announce();
    this.tfjs?.stopPulling();
    let timer: NodeJS.Timeout | null = null;
    const timeout = this.o.drainTimeoutMs;
    if (timeout !== undefined)
      timer = setTimeout(() => {
        log.warn(`drain timed out after ${timeout / 1000} s`);
        this.abandon();
      }, timeout);
    let lastLog = Date.now();
    while (this.inFlight.size > 0 && !this.abandoned) {
      await Promise.race([Promise.allSettled([...this.inFlight.values()]), sleep(1000)]);
      if (Date.now() - lastLog > 30_000 && this.inFlight.size > 0) {
        lastLog = Date.now();
        log.info(`draining: ${this.inFlight.size} task(s) still in flight`);
      }
    }
    if (timer) clearTimeout(timer);
    if (this.abandoned) return;
    log.info(`drained: ${this.done} task(s) done; exiting`);
    this.shutdown(0);
  }

  /** Returns every task still in flight to the queue at once (nak) and exits 1. */
  private abandon(): void {
    if (this.abandoned) return;
    this.abandoned = true;
    this.draining = true;
    for (const m of this.inFlight.keys()) m.nak();
    this.o.log.warn(`returned ${this.inFlight.size} unfinished task(s) to the queue`);
    this.shutdown(1);
  }

  /** Closes everything after a failed start (the caller reports the error). */
  async stop(): Promise<void> {
    this.draining = true;
    this.shutdown(1);
    await this.exited;
  }

  private shutdown(code: number): void {
    if (this.closing) return;
    this.closing = true;
    void (async () => {
      if (this.presenceTimer) clearInterval(this.presenceTimer);
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.puller?.stop();
      this.publisher?.close();
      if (this.nc && !this.nc.isClosed()) await this.nc.drain().catch(() => this.nc?.close());
      await this.pool?.destroy().catch(() => undefined);
      await this.tfjs?.destroy();
      await this.health?.close();
      this.finish(code);
    })();
  }

  private finish(code: number): void {
    this.finished(code);
  }
}
