import type { MsgHdrs } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Task } from '../../shared/study/task.js';
import { resultsOf } from '../../worker/nats/result-batch.js';
import { taskResult } from '../../worker/nats/task-result.js';
import type { ResultReceiver } from '../transport/types.js';

/** Where the results of a message of the results stream go. */
export interface ResultIntake {
  /** Tasks still without a row: taking one's result removes it. */
  readonly pending: Map<string, Task>;
  readonly results: ResultReceiver;
  readonly log: Logger;
  /** A worker was heard from (its name came with a result). */
  readonly heard: (worker: string) => void;
  /** A new row was taken; `failed` when it records an error. */
  readonly counted: (failed: boolean) => void;
  /**
   * Whether a task's failure notice or unreadable result is not its row but a reason to run it
   * again (coordinator/transport/task-retries.ts); absent, every one is its row.
   */
  readonly retry?: (task: Task, why: { notice: string | null; unreadable: string | null }) => boolean;
}

/**
 * Stores the results a message holds (journaled at the next settle); says whether any was a new
 * row and how many were. A result of a task that has its row already, or not of ours,
 * is only acked with the batch. A message whose results cannot be told apart is logged, and each
 * task it names gets an error row, unless `retry` has it run again: its worker has acked them.
 */
export function takeResults(
  m: { readonly subject: string; readonly data: Uint8Array; readonly headers?: MsgHdrs },
  intake: ResultIntake,
): { fresh: boolean; stored: number } {
  const got = resultsOf(m.subject, m.data, m.headers);
  let parts: readonly { taskId: string; data: Uint8Array | { unreadable: string } }[];
  if ('error' in got) {
    intake.log.error(`unreadable result message on ${m.subject}: ${got.error}`);
    parts = got.tasks.map((taskId) => ({ taskId, data: { unreadable: got.error } }));
  } else parts = got.items;
  let stored = 0;
  for (const it of parts) if (takeOne(m.subject, it.taskId, it.data, intake)) stored++;
  return { fresh: stored > 0, stored };
}

/** A task's result from its bytes (or why there are none): a new row unless it has one. */
function takeOne(
  subject: string,
  taskId: string,
  data: Uint8Array | { readonly unreadable: string },
  intake: ResultIntake,
): boolean {
  const task = intake.pending.get(taskId);
  if (!task) return false;
  const { result, worker, unreadable, notice } = taskResult(task, data);
  if (worker) intake.heard(worker);
  if (unreadable)
    intake.log.error(`unreadable result of ${taskId} on ${subject}: ${unreadable.replace(/\n\s*/g, '; ')}`);
  if ((notice !== null || unreadable !== null) && intake.retry?.(task, { notice, unreadable })) return false;
  intake.results.add(result);
  intake.pending.delete(task.id);
  intake.counted(result.kind === 'run' ? result.row.status === 'error' : result.row.message !== '');
  return true;
}
