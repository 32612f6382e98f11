import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';
import type { Result } from '../shared/study/result.js';
import type { OptimizeTask } from '../shared/study/task.js';
import { loadTfjs, type TfjsBackend } from './engines/tfjs/backend.js';
import { runTfjsBatch } from './engines/tfjs/run-batch.js';

/**
 * Piscina entry of the one tfjs thread of a process (README, "Engines"): the backend is loaded
 * here, once, and every batch of tfjs tasks runs here. tfjs-node's native addon is not safe to load
 * in several worker threads at once, so a process has one such thread (one per GPU).
 */
const worker = `${hostname()}#${threadId}`;
let backend: Promise<TfjsBackend> | null = null;
const loaded = () => {
  backend ??= loadTfjs();
  return backend;
};

/** One batch of tasks (same batchKey) in, one result per task out, in order. */
export default async function run(tasks: readonly OptimizeTask[]): Promise<Result[]> {
  return runTfjsBatch(tasks, await loaded(), { worker });
}

/** The backend this thread chose and why the faster ones were not (for the process's log). */
export async function backendInfo(): Promise<{ name: string; skipped: readonly string[] }> {
  const b = await loaded();
  return { name: b.name, skipped: b.skipped };
}
