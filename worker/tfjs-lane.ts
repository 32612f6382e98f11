import { type Consumer, type ConsumerMessages, type JsMsg, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { isTfjsTask } from '../shared/study/engine.js';
import { encodeResultMessage } from '../shared/study/wire.js';
import { TASKS_STREAM, TFJS_SUBJECT_PREFIX, TFJS_WORKERS_CONSUMER } from './nats/names.js';
import { backoffMs } from './nats/publish.js';
import { type TaskOutcome, taskOfMessage } from './task-bytes.js';
import type { Where } from './task-message.js';
import type { TaskDelivery } from './task-puller.js';
import { TfjsBatcher } from './tfjs-batcher.js';
import { TFJS_BATCH, TfjsPool } from './tfjs-pool.js';

/** Long-poll of the lane's wait for its first task. */
const NEXT_EXPIRES_MS = 10_000;
/** After the first tfjs task of a batch arrives, how long to wait for more to join it. */
const TFJS_GATHER_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the lane's pull loop needs of its worker. */
export interface TfjsLaneHooks {
  /** Takes a delivered tfjs task message in (runTaskMessage, counted as running on the lane). */
  accept(m: TaskDelivery): void;
  draining(): boolean;
  closing(): boolean;
}

/**
 * A NATS worker's tfjs lane (`--engine tfjs`, README "Engines"): the tfjs thread, the batcher that
 * gathers tasks for it, and the pull loop on the tfjs consumer. Tasks here are long and batched,
 * so the lane uses nats.js's consumer.next/fetch as they are (the f64 lane's per-task pulls go
 * through task-puller.ts).
 */
export class TfjsLane {
  private readonly fetches = new Set<ConsumerMessages>();
  private failures = 0;

  private constructor(
    private readonly pool: TfjsPool,
    private readonly batcher: TfjsBatcher,
    private readonly consumer: Consumer,
    private readonly log: Logger,
  ) {}

  static async open(nc: NatsConnection, log: Logger): Promise<TfjsLane> {
    const pool = new TfjsPool(log);
    await pool.start();
    const consumer = await jetstream(nc).consumers.get(TASKS_STREAM, TFJS_WORKERS_CONSUMER);
    return new TfjsLane(pool, new TfjsBatcher(pool), consumer, log);
  }

  /**
   * A message from the tfjs consumer holding a tfjs task: decoded here, its task joins the batch
   * being gathered. Null for anything else, which runs on the pool like any other task.
   */
  async execute(m: TaskDelivery, at: Where, sender: string): Promise<TaskOutcome | null> {
    if (!m.subject.startsWith(TFJS_SUBJECT_PREFIX)) return null;
    const task = taskOfMessage(m.data, at.taskId);
    if (typeof task === 'string') return { kind: 'malformed', message: task };
    if (!isTfjsTask(task)) return null;
    return { kind: 'result', data: encodeResultMessage(await this.batcher.run(task), sender) };
  }

  /**
   * The pull loop: waits for one tfjs task, gathers up to a batch of those already queued
   * (TFJS_GATHER_MS), runs them, then pulls again. So it holds at most one batch of tfjs tasks
   * unacked (the spirit of "no more tasks than it can run": the tfjs thread runs a batch at once).
   */
  async pump(hooks: TfjsLaneHooks): Promise<void> {
    while (!hooks.draining() && !hooks.closing()) {
      const msgs: JsMsg[] = [];
      try {
        const first = await this.consumer.next({ expires: NEXT_EXPIRES_MS });
        if (!first) continue;
        msgs.push(first);
        const more = await this.consumer.fetch({ max_messages: TFJS_BATCH - 1, expires: TFJS_GATHER_MS });
        this.fetches.add(more);
        try {
          for await (const m of more) msgs.push(m);
        } finally {
          this.fetches.delete(more);
        }
        this.failures = 0;
      } catch (e) {
        if (hooks.draining() || hooks.closing()) break;
        this.failures++;
        this.log.warn(`pulling tfjs tasks: ${(e as Error).message}; retrying`);
        await sleep(backoffMs(this.failures));
      }
      if (hooks.draining()) {
        for (const m of msgs) m.nak();
        break;
      }
      for (const m of msgs) hooks.accept(m);
      await this.batcher.flush();
    }
  }

  /** Stops the pulls in progress (a drain: what is running still finishes). */
  stopPulling(): void {
    for (const f of this.fetches) f.stop();
  }

  async destroy(): Promise<void> {
    this.stopPulling();
    await this.pool.destroy().catch(() => undefined);
  }
}
