import type { JsMsg } from '@nats-io/jetstream';
import { parseSubject } from '../coordinator/nats/names.js';
import type { Task } from '../shared/study/task.js';
import { decodeTask } from '../shared/study/wire.js';

type Where = { readonly key: string; readonly taskId: string };

/**
 * What a delivered task message asks of a worker (NatsWorker's rules): run it, or refuse it —
 * log why, report a failure row when the subject names a study and task, and terminate it.
 */
export type TaskVerdict =
  | { readonly kind: 'run'; readonly task: Task; readonly at: Where }
  | {
      readonly kind: 'refuse';
      readonly level: 'warn' | 'error';
      readonly log: string;
      readonly fields?: Record<string, unknown>;
      readonly at: Where | null;
      /** The failure to record as the task's row (null: nothing to report). */
      readonly failure: string | null;
    };

export function judgeTaskMessage(m: JsMsg, maxDeliver: number): TaskVerdict {
  const at = parseSubject(m.subject);
  const deliveries = m.info.deliveryCount;
  // The last delivery a task may have is not run: it has already cost that many workers.
  if (maxDeliver > 0 && deliveries >= maxDeliver)
    return {
      kind: 'refuse',
      level: 'warn',
      log: `task ${m.subject}: delivery ${deliveries} of ${maxDeliver}: not run again; recorded as error: max deliveries`,
      at,
      failure: `max deliveries: delivered ${deliveries} times without a result (the workers running it died or lost their connection)`,
    };
  let task: Task;
  try {
    task = decodeTask(m.data);
    if (at && at.taskId !== task.id)
      throw new Error(`task id ${task.id} does not match its subject ${m.subject}`);
  } catch (e) {
    return {
      kind: 'refuse',
      level: 'error',
      log: `malformed task message on ${m.subject} (${m.data.length} bytes): ${(e as Error).message.replace(/\n\s*/g, '; ')}; terminated`,
      fields: { subject: m.subject, bytes: m.data.length, stream_seq: m.info.streamSequence },
      at,
      failure: `malformed task message: ${(e as Error).message}`,
    };
  }
  if (!at)
    return {
      kind: 'refuse',
      level: 'error',
      log: `task ${task.id} on ${m.subject}, not a task subject (saddlescope.tasks.<study>.<id>); terminated`,
      at: null,
      failure: null,
    };
  return { kind: 'run', task, at };
}
