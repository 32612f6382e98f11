import { norm2 } from './linalg/vector.js';
import type { OptimizerState } from './optimizers/types.js';
import type { Objective } from './problems/objective.js';
import type { HistoryColumns } from './study/result.js';

/** Keeps every `stride`-th iterate (and the last) with the paper's diagnostics, column-wise. */
export class HistoryRecorder {
  private readonly rows: number[][] = [];
  private lastRecorded = -1;

  constructor(
    private readonly f: Objective,
    private readonly stride: number,
  ) {}

  observe(k: number, s: OptimizerState): void {
    if (k % this.stride === 0) this.record(k, s);
  }

  /** Records the final iterate if the stride skipped it. */
  finish(k: number, s: OptimizerState): void {
    if (this.lastRecorded !== k) this.record(k, s);
  }

  private record(k: number, s: OptimizerState): void {
    const d = this.f.diagnostics(s.x);
    this.rows.push([
      k,
      s.value,
      norm2(s.gradient),
      d.gradNormInner,
      d.gradNormOuter,
      d.orthogonality,
      d.outputNormRatio,
      s.stepNorm,
      s.krylov?.iterations ?? Number.NaN,
      s.krylov?.residual ?? Number.NaN,
    ]);
    this.lastRecorded = k;
  }

  columns(): HistoryColumns {
    const col = (j: number) => Float64Array.from(this.rows, (r) => r[j]);
    return {
      iteration: Int32Array.from(this.rows, (r) => r[0]),
      loss: col(1),
      grad_norm: col(2),
      grad_norm_inner: col(3),
      grad_norm_outer: col(4),
      orthogonality: col(5),
      output_norm_ratio: col(6),
      step_norm: col(7),
      krylov_products: col(8),
      krylov_residual: col(9),
    };
  }
}
