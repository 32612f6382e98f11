import { hostname } from 'node:os';
import { resolve } from 'node:path';
import {
  type ConsumerInfo,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
} from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { taskEngine } from '../../shared/study/engine.js';
import type { Task } from '../../shared/study/task.js';
import { encodeTask } from '../../shared/study/wire.js';
import { connectNats, type ResolvedConnection } from '../nats/connection.js';
import {
  coordinatorConsumer,
  PRESENCE_SUBJECT,
  RESULTS_STREAM,
  studyKey,
  studyResults,
  TASKS_STREAM,
  TFJS_WORKERS_CONSUMER,
  taskMsgId,
  taskSubject,
  WORKERS_CONSUMER,
} from '../nats/names.js';
import { publishUntilStored } from '../nats/publish.js';
import { resultsOf } from '../nats/result-batch.js';
import { ensureInfrastructure } from '../nats/setup.js';
import { StreamPublisher } from '../nats/stream-publisher.js';
import { StudyRegistry, type StudyStatus } from '../nats/studies.js';
import { catchUp, queuedTasks, resultsConsumer } from '../nats/study-streams.js';
import { taskResult } from '../nats/task-result.js';
import { readManifest, type StudyManifest } from '../out-dir.js';
import type { PlannedStudy } from '../run-study.js';
import { TaskRetries } from './task-retries.js';
import type { ResultReceiver, Transport, TransportStats } from './types.js';

/** Tasks published and not yet acknowledged by the server at once. */
const PUBLISH_WINDOW = 512;
/**
 * Results are journaled and acked at most this long after they arrive. Nothing waits on those
 * acks (a worker acks its task once the result is stored), and a kill loses only results not
 * acked, which come back. Batching by turn of the event loop instead gave 1.4 results a batch on
 * the no-op benchmark: they arrive one by one, as the workers' slots free.
 */
const SETTLE_MS = 20;
/** A worker is counted while it announced itself (or sent a result) within this time. */
const WORKER_ALIVE_MS = 15_000;

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
  private presence: Subscription | null = null;
  private results: ConsumerMessages | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly workersSeen = new Map<string, number>();
  private workersInfo: ConsumerInfo | null = null;
  private tfjsInfo: ConsumerInfo | null = null;
  private status: StudyStatus | null = null;
  private pending = new Map<string, Task>();
  /** The last result message taken and not yet acked: acking it acks all before it (AckAll). */
  private unacked: JsMsg | null = null;
  private settleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private ticking = false;
  private ticks = 0;
  /** Results read from the results stream (a message may hold several). */
  private resultsRead = 0;
  private retries = new TaskRetries(5);
  /** Set once the tasks are being published: a task published again goes out at once. */
  private publishing = false;
  private epoch = 1;
  private publishFailed: (e: unknown) => void = () => undefined;

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

  async run(pendingTasks: Iterable<Task>, results: ResultReceiver, signal?: AbortSignal): Promise<void> {
    // The pending tasks in memory: this transport keeps a map of them to match results (a bounded
    // publishing window over the lazy plan is not done yet).
    const tasks = [...pendingTasks];
    const { log, plan } = this.o;
    const key = this.key;
    const outDir = resolve(this.o.outDir);
    const manifest = readManifest(this.o.outDir);
    this.pending = new Map(tasks.map((t) => [t.id, t]));
    const total = plan.plan.size;
    const prev = await this.registry.status(key);
    const me = `${hostname()}:${process.pid}`;
    if (
      prev?.state === 'running' &&
      prev.coordinator !== me &&
      Date.now() - Date.parse(prev.updated) < 10_000
    )
      log.warn(
        `study ${key} was updated ${Math.round((Date.now() - Date.parse(prev.updated)) / 1000)} s ago by coordinator ${prev.coordinator} (${prev.out}): two coordinators of one study split its results`,
      );
    // A study run again after it completed gets a new epoch: fresh message ids for its tasks.
    const epoch = (prev?.epoch ?? 1) + (prev?.state === 'complete' && tasks.length > 0 ? 1 : 0);
    this.epoch = epoch;
    const maxDeliver = this.workersInfo?.config.max_deliver ?? -1;
    this.retries = new TaskRetries(maxDeliver > 0 ? maxDeliver : 5);
    const now = new Date().toISOString();
    this.status = {
      key,
      name: plan.spec.name,
      planHash: plan.planHash,
      state: 'running',
      epoch,
      total,
      done: total - tasks.length,
      errors: prev?.epoch === epoch ? prev.errors : 0,
      workers: 0,
      out: outDir,
      coordinator: me,
      started: now,
      updated: now,
    };
    await this.registry.putManifest(key, manifest);
    await this.registry.putStatus(this.status);
    this.presence = this.nc.subscribe(PRESENCE_SUBJECT, {
      callback: (_err, m) => {
        try {
          const p = m.json<{ id?: unknown }>();
          if (typeof p.id === 'string') this.workersSeen.set(p.id, Date.now());
        } catch {
          // not a presence message
        }
      },
    });
    this.timer = setInterval(() => void this.tick(), 1000);

    let failure: unknown = null;
    let allDone!: () => void;
    let fail!: (e: unknown) => void;
    const finished = new Promise<void>((res, rej) => {
      allDone = res;
      fail = rej;
    });
    finished.catch(() => undefined); // awaited below; a failure before then must not go unhandled
    this.publishFailed = (e) => fail(e);
    const settleLater = () => {
      this.settleTimer = null;
      try {
        this.settle(results);
      } catch (e) {
        fail(e);
      }
    };
    const handle = (m: JsMsg) => {
      try {
        const fresh = this.take(m, results);
        this.unacked = m;
        if (fresh && this.pending.size === 0) {
          this.settle(results);
          allDone();
        } else this.settleTimer ??= setTimeout(settleLater, SETTLE_MS);
      } catch (e) {
        fail(e);
      }
    };
    if (this.pending.size === 0) allDone();
    const onAbort = () => allDone();
    signal?.addEventListener('abort', onAbort);
    void this.nc.closed().then((e) => {
      if (!this.closed) fail(new Error(`NATS connection closed${e ? `: ${e.message}` : ''}`));
    });

    try {
      const consumer = await resultsConsumer(this.js, this.jsm, key, this.outIdentity(manifest));
      await catchUp(consumer, handle);
      const readBack = this.resultsRead;
      const queued = await queuedTasks(this.jsm, key);
      const toPublish = tasks.filter((t) => this.pending.has(t.id) && !queued.has(t.id));
      log.info(
        `study ${key} (epoch ${epoch}): ${readBack} stored result(s) read back, ${queued.size} task(s) already queued, publishing ${toPublish.length}`,
      );
      this.publishing = true;
      this.results = await consumer.consume({ max_messages: 256 });
      void (async () => {
        for await (const m of this.results!) handle(m);
      })().catch(fail);
      await Promise.race([this.publishAll(key, epoch, toPublish, signal), finished]);
      await finished;
    } catch (e) {
      failure = e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      try {
        this.settle(results);
      } catch (e) {
        failure ??= e;
      }
      this.results?.stop();
      await this.finishStatus(key, failure);
    }
    if (failure) throw failure;
  }

  /** Journals the results taken so far, then acks them (the consumer's AckAll: one ack). */
  private settle(results: ResultReceiver): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = null;
    results.flush();
    const m = this.unacked;
    this.unacked = null;
    try {
      m?.ack();
    } catch (e) {
      // The connection is closing or gone: the results are journaled; unacked, they come back
      // to this out dir's consumer and are dropped as duplicates.
      this.o.log.debug(`ack of results up to ${m?.subject} not sent: ${(e as Error).message}`);
    }
  }

  /**
   * Stores the results a message holds (journaled at the next settle); returns whether any was a
   * new row. A result of a task that has its row already, or not of ours, is only acked with the
   * batch. A message whose results cannot be told apart is logged, and each task it names gets an
   * error row: its worker has acked them, so no other result of theirs may come.
   */
  private take(m: JsMsg, results: ResultReceiver): boolean {
    const read = resultsOf(m.subject, m.data, m.headers);
    let parts: readonly { taskId: string; data: Uint8Array | { unreadable: string } }[];
    if ('error' in read) {
      this.o.log.error(`unreadable result message on ${m.subject}: ${read.error}`);
      parts = read.tasks.map((taskId) => ({ taskId, data: { unreadable: read.error } }));
    } else {
      this.resultsRead += read.items.length;
      parts = read.items;
    }
    let fresh = false;
    for (const it of parts) fresh = this.takeOne(m.subject, it.taskId, it.data, results) || fresh;
    return fresh;
  }

  /** A task's result from its bytes (or why there are none): a new row unless it has one. */
  private takeOne(
    subject: string,
    taskId: string,
    data: Uint8Array | { readonly unreadable: string },
    results: ResultReceiver,
  ): boolean {
    const task = this.pending.get(taskId);
    if (!task) return false;
    const { result, worker, unreadable, notice } = taskResult(task, data);
    if (worker) this.workersSeen.set(worker, Date.now());
    if (unreadable)
      this.o.log.error(`unreadable result of ${taskId} on ${subject}: ${unreadable.replace(/\n\s*/g, '; ')}`);
    if (this.retries.judge(taskId, notice, unreadable) === 'retry') {
      // Not the outcome of the message this coordinator published (task-retries.ts): run it again.
      this.o.log.warn(
        `task ${taskId}: ${(unreadable ?? notice ?? '').replace(/\n\s*/g, '; ')}; not its row: published again (${this.retries.retries(taskId)} of ${this.retries.limit - 1})`,
      );
      if (this.publishing) void this.publishTask(this.key, this.epoch, task).catch(this.publishFailed);
      return false;
    }
    results.add(result);
    this.pending.delete(task.id);
    if (this.status) {
      this.status.done++;
      const failed = result.kind === 'run' ? result.row.status === 'error' : result.row.message !== '';
      if (failed) this.status.errors++;
    }
    return true;
  }

  private async publishAll(key: string, epoch: number, tasks: readonly Task[], signal?: AbortSignal) {
    const inflight = new Set<Promise<void>>();
    let error: unknown = null;
    for (const task of tasks) {
      if (signal?.aborted || error) break;
      if (!this.pending.has(task.id)) continue;
      const p: Promise<void> = this.publishTask(key, epoch, task, signal)
        .catch((e) => {
          error ??= e;
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size >= PUBLISH_WINDOW) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    if (error) throw error;
  }

  private publishTask(key: string, epoch: number, task: Task, signal?: AbortSignal): Promise<void> {
    // A task published again takes a fresh message id: its first one may be a junk message's.
    const retry = this.retries.retries(task.id);
    return publishUntilStored(
      this.publisher,
      taskSubject(key, task.id, taskEngine(task)),
      encodeTask(task),
      `${taskMsgId(key, epoch, task.id)}${retry > 0 ? `.retry-${retry}` : ''}`,
      {
        abandoned: () => signal?.aborted === true || this.closed,
        retrying: (e) => this.o.log.warn(`publishing task ${task.id}: ${e.message}; retrying`),
      },
    );
  }

  /** Every second: the workers' consumer for the progress bar; every 2 s: the study's status. */
  private async tick(): Promise<void> {
    if (this.ticking || this.closed) return;
    this.ticking = true;
    try {
      this.workersInfo = await this.jsm.consumers.info(TASKS_STREAM, WORKERS_CONSUMER);
      this.tfjsInfo = await this.jsm.consumers.info(TASKS_STREAM, TFJS_WORKERS_CONSUMER);
      if (this.status && this.ticks++ % 2 === 0) {
        this.status.workers = this.liveWorkers();
        this.status.updated = new Date().toISOString();
        await this.registry.putStatus(this.status);
      }
    } catch {
      // the server is away: the next tick tries again
    } finally {
      this.ticking = false;
    }
  }

  private liveWorkers(): number {
    const since = Date.now() - WORKER_ALIVE_MS;
    let n = 0;
    for (const t of this.workersSeen.values()) if (t >= since) n++;
    return n;
  }

  private async finishStatus(key: string, failure: unknown): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.status) return;
    const complete = this.pending.size === 0 && !failure;
    this.status.state = complete ? 'complete' : 'stopped';
    this.status.workers = this.liveWorkers();
    this.status.updated = new Date().toISOString();
    try {
      if (complete) {
        // Every row is journaled in the out dir: the stored results and this consumer can go.
        const name = coordinatorConsumer(key, this.outIdentity(readManifest(this.o.outDir)));
        await this.jsm.consumers.delete(RESULTS_STREAM, name).catch(() => undefined);
        await this.jsm.streams.purge(RESULTS_STREAM, { filter: studyResults(key) });
      }
      await this.registry.putStatus(this.status);
    } catch (e) {
      this.o.log.warn(`could not record the study's status in NATS: ${(e as Error).message}`);
    }
  }

  stats(): TransportStats {
    return {
      inFlight: (this.workersInfo?.num_ack_pending ?? 0) + (this.tfjsInfo?.num_ack_pending ?? 0),
      workers: this.liveWorkers(),
      redeliveries: (this.workersInfo?.num_redelivered ?? 0) + (this.tfjsInfo?.num_redelivered ?? 0),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.presence?.unsubscribe();
    this.results?.stop();
    this.publisher?.close();
    await this.nc.drain().catch(() => this.nc.close());
  }
}
