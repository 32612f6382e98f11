import { failureResult } from '../../shared/failure-row.js';
import type { Result } from '../../shared/study/result.js';
import type { Task } from '../../shared/study/task.js';
import { decodeWorkerMessage, type WorkerMessage } from '../../shared/study/wire.js';

export interface TaskResult {
  readonly result: Result;
  /** The worker that sent it (host:pid), when the bytes say. */
  readonly worker: string | null;
  /** Why the bytes are not a result of this task (then `result` is its error row). */
  readonly unreadable: string | null;
  /** The worker's failure notice, when it sent one instead of a result (`result` is its row). */
  readonly notice: string | null;
}

/**
 * The Result a worker sent for `task` from its result message's bytes (shared/study/wire.ts): the
 * worker's result, the row of its failure notice, or, when the bytes are unreadable, of another
 * task, or missing (`{ unreadable }` says why), an error row `unreadable result: <why>`.
 */
export function taskResult(task: Task, data: Uint8Array | { readonly unreadable: string }): TaskResult {
  const unreadable = (why: string, worker: string | null): TaskResult => ({
    result: failureResult(task, `unreadable result: ${why}`, 'coordinator'),
    worker,
    unreadable: why,
    notice: null,
  });
  if (!(data instanceof Uint8Array)) return unreadable(data.unreadable, null);
  let w: WorkerMessage;
  try {
    w = decodeWorkerMessage(data);
  } catch (e) {
    return unreadable((e as Error).message, null);
  }
  if (w.kind === 'failure')
    return {
      result: failureResult(task, w.message, w.worker),
      worker: w.worker,
      unreadable: null,
      notice: w.message,
    };
  if (w.result.row.task_id !== task.id)
    return unreadable(`it holds the row of task ${w.result.row.task_id}, not ${task.id}`, w.worker);
  return { result: w.result, worker: w.worker, unreadable: null, notice: null };
}
