import type { Logger } from 'pino';
import { taskEngine } from '../../shared/study/engine.js';
import type { Task } from '../../shared/study/task.js';
import { encodeTask } from '../../shared/study/wire.js';
import { taskMsgId, taskSubject } from '../../worker/nats/names.js';
import { publishUntilStored } from '../../worker/nats/publish.js';
import type { StreamPublisher } from '../../worker/nats/stream-publisher.js';

/** Tasks published and not yet acknowledged by the server at once. */
const PUBLISH_WINDOW = 512;

export interface TaskPublishing {
  readonly publisher: StreamPublisher;
  readonly log: Logger;
  /** The study key and epoch that make each task's subject and message id. */
  readonly key: string;
  readonly epoch: number;
  /** Whether a task still needs its row (one that got it meanwhile is skipped). */
  readonly wanted: (task: Task) => boolean;
  /** Appended to a task's message id (a task published again needs a fresh one). */
  readonly msgIdSuffix?: (task: Task) => string;
  /** Stop publishing (the run was interrupted or the transport closed). */
  readonly abandoned: () => boolean;
}

/**
 * Publishes `tasks` to the work queue, a window at a time, each retried until the server stores
 * it (a task published twice within the duplicate window is stored once: its message id).
 */
export async function publishTasks(p: TaskPublishing, tasks: Iterable<Task>): Promise<void> {
  const inflight = new Set<Promise<void>>();
  let error: unknown = null;
  for (const task of tasks) {
    if (p.abandoned() || error) break;
    if (!p.wanted(task)) continue;
    const done: Promise<void> = publishUntilStored(
      p.publisher,
      taskSubject(p.key, task.id, taskEngine(task)),
      encodeTask(task),
      `${taskMsgId(p.key, p.epoch, task.id)}${p.msgIdSuffix?.(task) ?? ''}`,
      {
        abandoned: p.abandoned,
        retrying: (e) => p.log.warn(`publishing task ${task.id}: ${e.message}; retrying`),
      },
    )
      .catch((e) => {
        error ??= e;
      })
      .finally(() => inflight.delete(done));
    inflight.add(done);
    if (inflight.size >= PUBLISH_WINDOW) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  if (error) throw error;
}
