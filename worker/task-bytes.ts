import type { Task } from '../shared/study/task.js';
import { decodeTask } from '../shared/study/wire.js';

/** What became of a task message's bytes: the result message to publish, or why it is malformed. */
export type TaskOutcome =
  | { readonly kind: 'result'; readonly data: Uint8Array }
  | { readonly kind: 'malformed'; readonly message: string };

/**
 * A task message's bytes as the task they must hold: valid against the Task schema, its id the
 * hash of its content and the id its subject names. Returns the task, or why it is not one.
 */
export function taskOfMessage(data: Uint8Array, subjectTaskId: string | null): Task | string {
  try {
    const task = decodeTask(data);
    if (subjectTaskId !== null && subjectTaskId !== task.id)
      return `task id ${task.id} does not match its subject's (${subjectTaskId})`;
    return task;
  } catch (e) {
    return (e as Error).message;
  }
}

/** What pool-worker.ts's runMessage returned, as the main thread receives it. */
export function outcomeOfJob(value: unknown): TaskOutcome {
  return value instanceof Uint8Array ? { kind: 'result', data: value } : (value as TaskOutcome);
}
