import type { JetStreamManager } from '@nats-io/jetstream';
import type { Task } from '../../shared/study/task.js';
import { RESULTS_STREAM } from '../../worker/nats/names.js';
import { queuedTasks } from './study-streams.js';

/**
 * The tasks a coordinator waits for that nothing on the server will bring: not in the work queue
 * (waiting, or held by a worker) and no result waiting in this out dir's consumer. They are lost —
 * a publish the server dropped as a duplicate of an older message, results purged by another out
 * dir's coordinator, a stream edited by hand — and must be published again, not waited for.
 *
 * The queue is read before the consumer: a worker stores a task's result before it acks the task,
 * so a task that leaves the queue between the two reads shows as a result waiting.
 */
export async function lostTasks(
  jsm: JetStreamManager,
  key: string,
  consumerName: string,
  pending: ReadonlyMap<string, Task>,
): Promise<Task[]> {
  const queued = await queuedTasks(jsm, key);
  const c = await jsm.consumers.info(RESULTS_STREAM, consumerName);
  if (c.num_pending > 0 || c.num_ack_pending > 0) return [];
  return [...pending.values()].filter((t) => !queued.has(t.id));
}
