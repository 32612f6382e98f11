import { Piscina } from 'piscina';

const POOL_WORKER = new URL('./pool-worker.js', import.meta.url).href;

/**
 * The Piscina pool that runs f64 tasks (pool-worker.ts), for the local transport and the NATS
 * worker: `threads` threads, started at once and kept.
 *
 * Piscina's timing histograms are off (`recordTiming`): nothing here reads them, and they cost
 * three native histogram records and two clock reads a task. Pushing near-no-op task messages
 * through runMessage on 2 threads, 2 in flight, the process's CPU a task (median of 6 warm studies
 * of 4,000 tasks) was 154 µs with them and 137 µs without: medians of 8 alternating runs, lower
 * without in 6 of the 8 pairs.
 */
export function openTaskPool(threads: number): Piscina {
  return new Piscina({
    filename: POOL_WORKER,
    minThreads: threads,
    maxThreads: threads,
    recordTiming: false,
  });
}
