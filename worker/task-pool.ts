import { Piscina } from 'piscina';

const POOL_WORKER = new URL('./pool-worker.js', import.meta.url).href;

/**
 * The Piscina pool that runs f64 tasks (pool-worker.ts), for the local transport and the NATS
 * worker: `threads` threads, started at once and kept.
 *
 * Piscina's timing histograms are off (`recordTiming`): nothing here reads them, and they cost
 * three native histogram records and two clock reads a task, which shows on near-no-op tasks.
 */
export function openTaskPool(threads: number): Piscina {
  return new Piscina({
    filename: POOL_WORKER,
    minThreads: threads,
    maxThreads: threads,
    recordTiming: false,
  });
}
