import { hostname } from 'node:os';
import { resolve } from 'node:path';
import {
  type Consumer,
  type ConsumerInfo,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Task } from '../../shared/study/task.js';
import { connectNats, type ResolvedConnection } from '../../worker/nats/connection.js';
import {
  coordinatorConsumer,
  RESULTS_STREAM,
  studyKey,
  TASKS_STREAM,
  TFJS_WORKERS_CONSUMER,
  WORKERS_CONSUMER,
} from '../../worker/nats/names.js';
import { ensureInfrastructure, envInt } from '../../worker/nats/setup.js';
import { StreamPublisher } from '../../worker/nats/stream-publisher.js';
import { lostTasks } from '../nats/lost-tasks.js';
import type { ResultIntake } from '../nats/result-intake.js';
import { ResultSettler } from '../nats/result-settler.js';
import { resumeLine } from '../nats/resume-line.js';
import { StudyRegistry, type StudyStatus, startingStatus } from '../nats/studies.js';
import { finishStudy } from '../nats/study-finish.js';
import { catchUp, queuedTasks, resultsConsumer, storeLost } from '../nats/study-streams.js';
import { publishTasks, type TaskPublishing } from '../nats/task-publisher.js';
import { TaskWindow } from '../nats/task-window.js';
import { WorkerPresence } from '../nats/worker-presence.js';
import { readManifest, type StudyManifest } from '../out-dir.js';
import type { PlannedStudy } from '../run-study.js';
import { TaskRetries } from './task-retries.js';
import type { PendingTasks, ResultReceiver, Transport, TransportStats } from './types.js';

/** Tasks taken from the plan and not yet given a row, at most (SADDLESCOPE_PUBLISH_WINDOW). */
const publishWindow = () => envInt('SADDLESCOPE_PUBLISH_WINDOW', 20_000, 2);
/** How long without a result before a coordinator checks whether its tasks are lost (lost-tasks.ts). */
const STALL_MS = 10_000;

export interface NatsTransportOptions {
  readonly connection: ResolvedConnection;
  readonly log: Logger;
  readonly plan: PlannedStudy;
  /** The study's out dir: its manifest names this coordinator's results consumer. */
  readonly outDir: string;
  /** How long to wait for an unreachable server at start (ms). */
  readonly connectWaitMs?: number;
}

/**
 * The cluster transport (README, "Running on a cluster"). `run` publishes the tasks that still
 * need a row to the work-queue stream and takes results back from the results stream through a
 * durable consumer of this study and out dir, so that:
 *
 * - a restarted coordinator first reads the results stored while it was away, then publishes only
 *   tasks that have neither a row, nor a stored result, nor a message still queued;
 * - a result is acked only after it is journaled, so none is lost to a kill. Results are journaled
 *   and acked a batch at a time, the batch being what arrived within SETTLE_MS: one journal write
 *   and one ack (the consumer acks all before it) per batch, not per result;
 * - a task published twice within the server's duplicate window is stored once (message id
 *   `<study key>.<epoch>.<task id>`), and any duplicate result is dropped by the sink.
 */
export class NatsTransport implements Transport {
  private js!: JetStreamClient;
  private publisher!: StreamPublisher;
  private jsm!: JetStreamManager;
  private registry!: StudyRegistry;
  private results: ConsumerMessages | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly workers = new WorkerPresence();
  private workersInfo: ConsumerInfo | null = null;
  private tfjsInfo: ConsumerInfo | null = null;
  private status: StudyStatus | null = null;
  private window: TaskWindow | null = null;
  private pending = new Map<string, Task>();
  private settler: ResultSettler | null = null;
  private closed = false;
  private ticking = false;
  private ticks = 0;
  /** Reports that a task's message was not this coordinator's: how often each was published again. */
  private retries = new TaskRetries(5);
  /** Set once the tasks are being published: a task published again goes out at once. */
  private publishing = false;
  /** The study being run: what rebuilding it on a server that lost its store needs. */
  private live: LiveStudy | null = null;
  private rebuilding = false;
  /** When the last new row came, and how often lost tasks were published again (their msg ids). */
  private lastRow = Date.now();
  private again = 0;
  private published = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly o: NatsTransportOptions,
  ) {}

  /** Connects and makes sure the streams exist: called before the out dir is touched. */
  static async connect(o: NatsTransportOptions): Promise<NatsTransport> {
    const nc = await connectNats(o.connection, { log: o.log, waitMs: o.connectWaitMs ?? 60_000 });
    const t = new NatsTransport(nc, o);
    try {
      const infra = await ensureInfrastructure(nc, o.log);
      t.jsm = infra.jsm;
      t.registry = new StudyRegistry(infra.studies);
      t.workersInfo = infra.workers;
      t.tfjsInfo = infra.tfjsWorkers;
      t.js = jetstream(nc);
      t.publisher = new StreamPublisher(nc);
    } catch (e) {
      await nc.close();
      throw e;
    }
    return t;
  }

  /** The out dir this coordinator writes, as its results consumer is named: path and creation. */
  private outIdentity(manifest: StudyManifest): string {
    return `${resolve(this.o.outDir)}\n${manifest.created}`;
  }

  get key(): string {
    return studyKey(this.o.plan.spec.name, this.o.plan.planHash);
  }

  async run(tasks: PendingTasks, results: ResultReceiver, signal?: AbortSignal): Promise<void> {
    const { log, plan } = this.o;
    // Taken before the stored results are read back: they are those of the first tasks to run.
    const window = new TaskWindow(tasks, publishWindow());
    this.window = window;
    this.pending = window.pending;
    const first = window.fill();
    const key = this.key;
    const outDir = resolve(this.o.outDir);
    const manifest = readManifest(this.o.outDir);
    const started = startingStatus(await this.registry.status(key), {
      key,
      name: plan.spec.name,
      planHash: plan.planHash,
      total: plan.plan.size,
      todo: tasks.count ?? plan.plan.size,
      out: outDir,
      coordinator: `${hostname()}:${process.pid}`,
    });
    if (started.warning) log.warn(started.warning);
    this.status = started.status;
    const epoch = started.status.epoch;
    const maxDeliver = this.workersInfo?.config.max_deliver ?? -1;
    this.retries = new TaskRetries(maxDeliver > 0 ? maxDeliver : 5);
    this.publishing = false;
    await this.registry.putManifest(key, manifest);
    await this.registry.updateStatus(this.status); // not over a `complete` written since it was read
    this.workers.listen(this.nc);
    this.timer = setInterval(() => void this.tick(), 1000);

    let failure: unknown = null;
    let allDone!: () => void;
    let fail!: (e: unknown) => void;
    const finished = new Promise<void>((res, rej) => {
      allDone = res;
      fail = rej;
    });
    finished.catch(() => undefined); // awaited below; a failure before then must not go unhandled
    const settler = new ResultSettler(this.intake(results), log, fail);
    this.settler = settler;
    const handle = (m: JsMsg) => {
      try {
        if (settler.take(m) && window.done) {
          settler.settle();
          allDone();
        }
      } catch (e) {
        fail(e);
      }
    };
    const onAbort = () => allDone();
    signal?.addEventListener('abort', onAbort);
    void this.nc.closed().then((e) => {
      if (!this.closed) fail(new Error(`NATS connection closed${e ? `: ${e.message}` : ''}`));
    });

    const publishing: TaskPublishing = {
      publisher: this.publisher,
      log,
      key,
      epoch,
      wanted: (t) => this.pending.has(t.id),
      // A task published again takes a fresh message id: its first may be a junk message's.
      msgIdSuffix: (t) =>
        (this.retries.retries(t.id) > 0 ? `.retry-${this.retries.retries(t.id)}` : '') +
        (this.again > 0 ? `.again-${this.again}` : ''),
      abandoned: () => signal?.aborted === true || this.closed,
    };
    const consumerName = coordinatorConsumer(key, this.outIdentity(manifest));
    this.live = { manifest, consumerName, publishing, handle, fail };
    try {
      const consumer = await resultsConsumer(this.js, this.jsm, key, this.outIdentity(manifest));
      await catchUp(consumer, handle);
      const queued = await queuedTasks(this.jsm, key);
      const unqueued = (ts: readonly Task[]) => ts.filter((t) => this.pending.has(t.id) && !queued.has(t.id));
      const toPublish = unqueued(first);
      log.info(
        resumeLine({
          key,
          epoch,
          readBack: settler.stored,
          queued,
          pending: this.pending,
          publishing: toPublish.length,
          window,
        }),
      );
      this.publishing = true;
      await this.consume(consumer, this.live);
      const feed = async () => {
        for (let batch = toPublish; ; batch = unqueued(window.fill())) {
          this.published = false;
          await publishTasks(publishing, batch);
          this.lastRow = Date.now();
          this.published = true;
          if (window.drained || publishing.abandoned()) break;
          await window.room();
        }
        if (window.done) allDone();
      };
      await Promise.race([feed(), finished]);
      await finished;
    } catch (e) {
      failure = e;
    } finally {
      this.live = null;
      window.release();
      signal?.removeEventListener('abort', onAbort);
      try {
        settler.settle();
      } catch (e) {
        failure ??= e;
      }
      this.results?.stop();
      await this.finishStatus(key, failure);
    }
    if (failure) throw failure;
  }

  /** Where results go (result-intake.ts): a failure notice not its task's row publishes it again. */
  private intake(results: ResultReceiver): ResultIntake & { results: ResultReceiver } {
    return {
      pending: this.pending,
      results,
      log: this.o.log,
      heard: (worker) => this.workers.heard(worker),
      retry: (task, why) => {
        if (this.retries.judge(task.id, why.notice, why.unreadable) !== 'retry') return false;
        // Not the outcome of the message this coordinator published (task-retries.ts): run it again.
        this.o.log.warn(
          `task ${task.id}: ${(why.unreadable ?? why.notice ?? '').replace(/\n\s*/g, '; ')}; not its row: published again (${this.retries.retries(task.id)} of ${this.retries.limit - 1})`,
        );
        const live = this.live;
        if (this.publishing && live) void publishTasks(live.publishing, [task]).catch(live.fail);
        return true;
      },
      counted: (failed) => {
        this.lastRow = Date.now();
        this.window?.taken();
        if (!this.status) return;
        this.status.done++;
        if (failed) this.status.errors++;
      },
    };
  }

  /** Takes results from the study's consumer as they come, until stopped. */
  private async consume(consumer: Consumer, live: LiveStudy): Promise<void> {
    const messages = await consumer.consume({ max_messages: 256 });
    this.results = messages;
    void (async () => {
      for await (const m of messages) live.handle(m);
    })().catch((e) => {
      if (this.results === messages) live.fail(e);
    });
  }

  /**
   * The server answered, without this study's streams or results consumer: it lost its store
   * (restarted on an empty volume), and every queued task with it. Recreates the streams, the
   * consumers and the studies bucket, reads results from the new stream and publishes every task
   * without a row again; any result that still comes from the old queue is a duplicate, dropped.
   */
  private async rebuild(live: LiveStudy): Promise<void> {
    if (this.rebuilding) return;
    this.rebuilding = true;
    const { log } = this.o;
    try {
      log.error(
        `the NATS server has lost study ${this.key}'s streams or consumer (restarted with an empty store?): recreating them and publishing the ${this.pending.size} task(s) without a row again`,
      );
      const infra = await ensureInfrastructure(this.nc, log);
      this.jsm = infra.jsm;
      this.registry = new StudyRegistry(infra.studies);
      await this.registry.putManifest(this.key, live.manifest);
      this.results?.stop();
      this.results = null;
      // An ack names a consumer sequence of the lost stream: on the new one it would ack others.
      this.settler?.forget();
      const manifestIdentity = this.outIdentity(live.manifest);
      await this.consume(await resultsConsumer(this.js, this.jsm, this.key, manifestIdentity), live);
      await publishTasks(live.publishing, [...this.pending.values()]);
      log.info(`study ${this.key} rebuilt on the server: ${this.pending.size} task(s) to go`);
    } catch (e) {
      log.warn(`rebuilding study ${this.key} on the server: ${(e as Error).message}; trying again`);
    } finally {
      this.rebuilding = false;
    }
  }

  /** Every second: the workers' consumer for the progress bar; every 2 s: the study's status. */
  private async tick(): Promise<void> {
    if (this.ticking || this.closed) return;
    this.ticking = true;
    try {
      this.workersInfo = await this.jsm.consumers.info(TASKS_STREAM, WORKERS_CONSUMER);
      this.tfjsInfo = await this.jsm.consumers.info(TASKS_STREAM, TFJS_WORKERS_CONSUMER);
      if (this.live) await this.jsm.consumers.info(RESULTS_STREAM, this.live.consumerName);
      if (this.live && this.published && Date.now() - this.lastRow > STALL_MS)
        await this.recoverLost(this.live);
      if (this.status && this.ticks++ % 2 === 0) {
        this.status.workers = this.workers.live();
        this.status.updated = new Date().toISOString();
        await this.registry.updateStatus(this.status);
      }
    } catch (e) {
      // A missing stream or consumer: the server lost its store. Anything else: it is away, and
      // the next tick tries again.
      if (this.live && storeLost(e)) void this.rebuild(this.live);
    } finally {
      this.ticking = false;
    }
  }

  /** No new row for STALL_MS: publishes again, under fresh message ids, the tasks nothing will bring. */
  private async recoverLost(live: LiveStudy): Promise<void> {
    this.lastRow = Date.now();
    const lost = await lostTasks(this.jsm, this.key, live.consumerName, this.pending);
    if (lost.length === 0) return;
    this.again++;
    this.o.log.warn(
      `study ${this.key}: ${lost.length} task(s) without a row are neither queued nor have a result waiting (dropped as duplicates, or their results purged): published again`,
    );
    await publishTasks(live.publishing, lost);
  }

  private async finishStatus(key: string, failure: unknown): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.status) return;
    const complete = this.window?.done === true && !failure;
    this.status.state = complete ? 'complete' : 'stopped';
    this.status.workers = this.workers.live();
    this.status.updated = new Date().toISOString();
    const consumerName = coordinatorConsumer(key, this.outIdentity(readManifest(this.o.outDir)));
    await finishStudy(
      { jsm: this.jsm, registry: this.registry, log: this.o.log, consumerName },
      this.status,
      complete,
    );
  }

  stats(): TransportStats {
    return {
      inFlight: (this.workersInfo?.num_ack_pending ?? 0) + (this.tfjsInfo?.num_ack_pending ?? 0),
      workers: this.workers.live(),
      redeliveries: (this.workersInfo?.num_redelivered ?? 0) + (this.tfjsInfo?.num_redelivered ?? 0),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.workers.stop();
    this.results?.stop();
    this.publisher?.close();
    await this.nc.drain().catch(() => this.nc.close());
  }
}

interface LiveStudy {
  readonly manifest: StudyManifest;
  readonly consumerName: string;
  readonly publishing: TaskPublishing;
  readonly handle: (m: JsMsg) => void;
  readonly fail: (e: unknown) => void;
}
