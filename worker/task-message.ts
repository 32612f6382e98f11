import type { Logger } from 'pino';
import { encodeFailureMessage } from '../shared/study/wire.js';
import { MALFORMED_TASK, parseSubject, resultMsgId } from './nats/names.js';
import { type TaskOutcome, taskOfMessage } from './task-bytes.js';
import type { TaskDelivery } from './task-puller.js';

export type Where = { readonly key: string; readonly taskId: string };

/**
 * What a delivered task message asks of a worker before its bytes are looked at: run it, or refuse
 * it — log why, report a failure row when the subject names a study and task, and terminate it.
 * (A message on a task subject whose bytes are not its task is refused by whoever decodes it:
 * runTaskMessage, when the outcome comes back malformed.)
 */
export type TaskVerdict = { readonly kind: 'run'; readonly at: Where } | Refusal;

export interface Refusal {
  readonly kind: 'refuse';
  readonly level: 'warn' | 'error';
  readonly log: string;
  readonly fields?: Record<string, unknown>;
  readonly at: Where | null;
  /** The failure to record as the task's row (null: nothing to report). */
  readonly failure: string | null;
}

const oneLine = (s: string) => s.replace(/\n\s*/g, '; ');

function malformed(m: TaskDelivery, at: Where | null, message: string): Refusal {
  return {
    kind: 'refuse',
    level: 'error',
    log: `malformed task message on ${m.subject} (${m.data.length} bytes): ${oneLine(message)}; terminated`,
    fields: { subject: m.subject, bytes: m.data.length, stream_seq: m.info.streamSequence },
    at,
    failure: `${MALFORMED_TASK}: ${message}`,
  };
}

export function judgeTaskMessage(m: TaskDelivery, maxDeliver: number): TaskVerdict {
  const at = parseSubject(m.subject);
  const deliveries = m.info.deliveryCount;
  // The last delivery a task may have (max_deliver) is not run: it has already cost that many
  // workers, so a failure notice is recorded instead.
  if (maxDeliver > 0 && deliveries >= maxDeliver)
    return {
      kind: 'refuse',
      level: 'warn',
      log: `task ${m.subject}: delivery ${deliveries} of ${maxDeliver}: not run again; recorded as error: max deliveries`,
      at,
      failure: `max deliveries: delivered ${deliveries} times without a result (the workers running it died or lost their connection)`,
    };
  if (at) return { kind: 'run', at };
  // Not a task subject: nothing to report to; the log says what the bytes were.
  const task = taskOfMessage(m.data, null);
  if (typeof task === 'string') return malformed(m, null, task);
  return {
    kind: 'refuse',
    level: 'error',
    log: `task ${task.id} on ${m.subject}, not a task subject (saddlescope.tasks.<study>.<id>); terminated`,
    at: null,
    failure: null,
  };
}

/** What handling a task message needs of its worker (NatsWorker). */
export interface TaskMessageHost {
  /** host:pid, named in every result it sends. */
  readonly id: string;
  readonly log: Logger;
  maxDeliver(): number;
  ackWaitMs(): number;
  maxPayload(): number;
  /**
   * Decodes, checks, runs and encodes the task a message holds (on the pool, or the tfjs
   * batcher); rejects only if the pool itself fails.
   */
  execute(m: TaskDelivery, at: Where): Promise<TaskOutcome>;
  /** Publishes a result until the server has stored it. */
  publish(at: Where, data: Uint8Array, msgID: string, m: TaskDelivery): Promise<void>;
  /** The task's slot is free (its result is computed): pull the next one. */
  computed(): void;
  abandoned(): boolean;
}

async function refuse(
  m: TaskDelivery,
  host: TaskMessageHost,
  verdict: Refusal,
  msgId: string,
): Promise<false> {
  host.log[verdict.level](verdict.fields ?? {}, verdict.log);
  if (verdict.at && verdict.failure)
    await host.publish(
      verdict.at,
      encodeFailureMessage(verdict.at.taskId, verdict.failure, host.id),
      msgId,
      m,
    );
  m.term();
  return false;
}

/**
 * One task message from delivery to ack: refuse it (logged, reported, terminated) or run it with
 * working() heartbeats, publish the result and ack only once the server has stored it. `freeSlot`
 * is called as soon as the task no longer needs its thread. Resolves true when a result was stored
 * and the message acked.
 */
export async function runTaskMessage(
  m: TaskDelivery,
  host: TaskMessageHost,
  freeSlot: () => void,
): Promise<boolean> {
  const { log } = host;
  const msgId = resultMsgId(m.headers?.get('Nats-Msg-Id') || m.subject);
  const verdict = judgeTaskMessage(m, host.maxDeliver());
  if (verdict.kind === 'refuse') {
    freeSlot();
    return refuse(m, host, verdict, msgId);
  }
  const { at } = verdict;
  const heartbeat = setInterval(() => m.working(), Math.max(250, host.ackWaitMs() / 3));
  try {
    let outcome: TaskOutcome;
    try {
      outcome = await host.execute(m, at);
    } catch (e) {
      // runTask never throws; this is the pool itself failing (a thread died, out of memory).
      outcome = {
        kind: 'result',
        data: encodeFailureMessage(at.taskId, `worker thread failed: ${(e as Error).message}`, host.id),
      };
    }
    freeSlot();
    if (outcome.kind === 'malformed') return refuse(m, host, malformed(m, at, outcome.message), msgId);
    if (host.abandoned()) return false;
    let { data } = outcome;
    const limit = host.maxPayload();
    if (data.length + 1024 > limit)
      data = encodeFailureMessage(
        at.taskId,
        `result is ${data.length} bytes, over the server's max_payload (${limit}): record less (history stride, eigenvalues) or raise max_payload`,
        host.id,
      );
    const published = host.publish(at, data, msgId, m);
    // The slot is free once the result is computed: the next task is pulled while this result
    // travels to the server, so a slot does not idle for the PubAck's round trip (throughput
    // benchmark, test/bench/nats.bench.ts).
    host.computed();
    await published;
    if (host.abandoned()) return false;
    // A plain ack, not ackAck: the result is already stored (PubAck), so a lost ack only means the
    // task runs again and its result is deduplicated. Waiting for the ack's confirmation cost a
    // request (a reply subscription and a round trip) per task: the throughput benchmark measured it.
    try {
      m.ack();
    } catch (e) {
      log.debug(`ack of ${m.subject} not sent: ${(e as Error).message}`);
    }
    return true;
  } finally {
    clearInterval(heartbeat);
  }
}
