import type { Result } from '../shared/study/result.js';
import type { OptimizeTask } from '../shared/study/task.js';
import { groupBatches } from './engines/tfjs/run-batch.js';
import { TFJS_BATCH, type TfjsPool } from './tfjs-pool.js';

interface Waiting {
  readonly task: OptimizeTask;
  readonly resolve: (r: Result) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Gathers tfjs tasks as a NATS worker accepts them (`run` returns the task's result later) and
 * runs what it has gathered on the tfjs thread, batch by batch (`flush`).
 */
export class TfjsBatcher {
  private waiting: Waiting[] = [];

  constructor(private readonly pool: TfjsPool) {}

  run(task: OptimizeTask): Promise<Result> {
    return new Promise((resolve, reject) => this.waiting.push({ task, resolve, reject }));
  }

  async flush(): Promise<void> {
    const all = this.waiting;
    this.waiting = [];
    for (const batch of groupBatches(all, TFJS_BATCH, (w) => w.task)) {
      try {
        const results = await this.pool.run(batch.map((w) => w.task));
        batch.forEach((w, i) => {
          w.resolve(results[i]);
        });
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
  }
}
