/**
 * The tfjs engine against the f64 engine: seed-steps per second of ADAM on the tanh width-20
 * regression (paper §3: two hidden layers, N = 100 points, n = 480 parameters). tfjs trains a batch
 * of seeds at once (here on its pure-JS CPU backend: tfjs-node cannot be installed on this machine),
 * the f64 engine one seed at a time; both measured in this run, the ratio is tfjs / f64.
 * Each figure is the median of REPS runs (after one warm-up) of STEPS steps per seed.
 */
import { runTask } from '../../shared/run-task.js';
import { expandStudy } from '../../shared/study/plan.js';
import { parseSpec } from '../../shared/study/spec.js';
import type { OptimizeTask } from '../../shared/study/task.js';
import { loadTfjs } from '../../worker/engines/tfjs/backend.js';
import { runTfjsBatch } from '../../worker/engines/tfjs/run-batch.js';
import { type BenchReport, type BenchRow, median } from './harness.js';

const STEPS = 50;
const REPS = 3;
const BATCHES = [1, 8, 32, 64];

function tasks(seeds: number, engine: 'f64' | 'tfjs'): OptimizeTask[] {
  return expandStudy(
    parseSpec(`
name: bench-tfjs
seed: 1
problem: { kind: mlp-regression, width: 20, points: 100 }
optimizers: [ { kind: adam, lr: 0.001, engine: ${engine} } ]
seeds: ${seeds}
stop: { maxIter: ${STEPS}, gradTol: 1.0e-30 }
record: { spectrum: false, finalParams: false }
`),
  ) as OptimizeTask[];
}

/** Median seed-steps per second of `run` over REPS runs of `seeds` seeds, after a warm-up. */
function rate(seeds: number, run: () => void): number {
  run();
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    run();
    times.push((performance.now() - t0) / 1000);
  }
  return (seeds * STEPS) / median(times);
}

export async function bench(): Promise<BenchReport> {
  const backend = await loadTfjs();
  const one = tasks(4, 'f64');
  const f64 = rate(one.length, () => {
    for (const t of one) runTask(t, { worker: 'bench' });
  });
  const rows: BenchRow[] = [{ case: 'f64, one seed at a time', 'seed-steps/s': f64, 'vs f64': 1 }];
  for (const b of BATCHES) {
    const batch = tasks(b, 'tfjs');
    const r = rate(b, () => runTfjsBatch(batch, backend, { worker: 'bench' }));
    rows.push({ case: `tfjs (${backend.name}), batch ${b}`, 'seed-steps/s': r, 'vs f64': r / f64 });
  }
  return {
    title: `ADAM on tanh regression width 20 (n = 480, N = 100), ${STEPS} steps per seed`,
    rows,
    notes: [
      `median of ${REPS} runs each; f64 over 4 seeds; spectrum and parameters not recorded (the final Hessian is not timed)`,
      `tfjs backend: ${backend.name}${backend.skipped.length ? ` (not ${backend.skipped.map((s) => s.split(':')[0]).join(', ')})` : ''}`,
    ],
  };
}
