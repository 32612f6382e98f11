import type { Result } from '../shared/study/result.js';
import type { OptimizeTask } from '../shared/study/task.js';
import { loadTfjs } from './engines/tfjs/backend.js';
import { runTfjsBatch } from './engines/tfjs/run-batch.js';

/**
 * One tfjs task rerun alone, in this thread, on this machine's tfjs backend, its history at every
 * iterate (`saddlescope replay`). Its float32 arithmetic depends on the backend and on the batch it
 * first ran in, so the replayed row is close to the stored one, not equal.
 */
export async function replayTfjsTask(task: OptimizeTask): Promise<{ result: Result; backend: string }> {
  const backend = await loadTfjs();
  const [result] = runTfjsBatch([task], backend, { worker: 'replay', fullHistory: true });
  return { result, backend: backend.name };
}
