import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';
import { runTask } from '../shared/run-task.js';
import type { Result } from '../shared/study/result.js';
import type { Task } from '../shared/study/task.js';

const worker = `${hostname()}#${threadId}`;

/** Piscina entry point: one task in, one result out (runTask never throws; failures are rows). */
export default function run(task: Task): Result {
  return runTask(task, { worker });
}
