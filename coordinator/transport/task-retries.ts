import { MALFORMED_TASK } from '../../worker/nats/names.js';

/**
 * Which reports of failure a coordinator may take as a task's row.
 *
 * The coordinator published every pending task's message itself, from the task (encodeTask), so
 * it knows that content to be valid. A report that the task's message was malformed, or a result
 * message that cannot be read as the task's, therefore says that the message a worker ran was not
 * the coordinator's — anyone allowed to publish on the subject can put one there, with the message
 * id the coordinator would use, so that the real one is dropped as a duplicate — or that bytes
 * were damaged on the way. Neither is the task's outcome: the task is published again under a
 * fresh message id, and only the `limit`-th such report becomes its row, so that a persistent
 * source of junk ends the study with error rows instead of hanging it. A report of max
 * deliveries is the workers' consumer's own limit (the task itself kills the workers that run it):
 * it is the task's row at once, as is any result a worker computed.
 */
export class TaskRetries {
  private readonly attempts = new Map<string, number>();

  constructor(
    /** Reports a task may have before one is its row: the consumer's max deliveries. */
    readonly limit: number,
  ) {}

  /**
   * 'retry' (publish the task again) or 'record' (this is its row), for a task's failure notice
   * (null when the worker sent a result) or a result message unreadable as the task's (null when
   * it was read).
   */
  judge(taskId: string, notice: string | null, unreadable: string | null): 'retry' | 'record' {
    const notOurs = unreadable !== null || notice?.startsWith(MALFORMED_TASK) === true;
    if (!notOurs) return 'record';
    const n = (this.attempts.get(taskId) ?? 0) + 1;
    this.attempts.set(taskId, n);
    return n >= this.limit ? 'record' : 'retry';
  }

  /** How many times the task was published again: the suffix of its message id. */
  retries(taskId: string): number {
    return this.attempts.get(taskId) ?? 0;
  }
}
