import { DENSE_SPECTRUM_MAX } from '../analysis/estimate-spectrum.js';
import type { OptimizerSpec } from '../optimizers/mod.js';
import type { ProblemSize } from '../problems/kind.js';
import type { TrialsSpec } from './trials-spec.js';

/**
 * A cost model of one task, from sizes alone: floating-point operations and peak bytes of the
 * passes the code makes (shared/nets/loss-gradient.ts, loss-hessian.ts, optimizers/, linalg/).
 * It is an order of magnitude, meant to tell a study of seconds from one of hours before it runs;
 * constants are the leading terms' (GEMM = 2 flops per multiply-add), lower-order terms rounded up.
 */

/** Flops per second of one thread on the dense float64 kernels, the unit of every `seconds`. */
export const FLOP_RATE = 1e9;

export interface PassCost {
  readonly flops: number;
  readonly bytes: number;
}

/** Something of a task that holds an n × n matrix, and what avoids it. */
export interface DenseUse {
  /** Field path relative to the spec (`['optimizers', 0]`, `['record', 'spectrum']`). */
  readonly path: readonly (string | number)[];
  readonly what: string;
  readonly instead: string;
}

export interface TaskCost extends PassCost {
  readonly dense: readonly DenseUse[];
  /** Set when the peak memory is the final Hessian of `record.spectrum`, not the steps. */
  readonly peakIsSpectrum?: boolean;
}

/** One gradient pass and one exact-Hessian pass (which includes its gradient) of a problem. */
export function passCosts(size: ProblemSize): { grad: PassCost; hess: PassCost } {
  const { n } = size;
  if (!size.net) {
    // The analytic objectives (n ≤ 4): a few hundred operations either way.
    return { grad: { flops: 100 * n, bytes: 1024 }, hess: { flops: 200 * n * n, bytes: 1024 } };
  }
  const { N, C, inputs, widths } = size.net;
  const K = N * C;
  let weights = 0; // Σ_l w_l·F_l
  let units = 0; // Σ_l w_l
  let jacobian = 0; // the forward-mode Jacobian blocks of loss-hessian.ts, largest layer
  let hessFlops = 0;
  let fanIn = inputs;
  let prefix = 0; // P_l: parameters of the layers before l
  for (const w of widths) {
    weights += w * fanIn;
    units += w;
    // loss-hessian.ts at layer l: J_A and its copy (F·K·P each), JZd = W_l·J_A, Y = M·JZd and
    // JZdᵀ (w·K·P each), D and M (w·N·C² each).
    jacobian = Math.max(jacobian, (2 * fanIn + 3 * w) * K * prefix + 2 * w * N * C * C);
    // The GEMMs JZd, JZdᵀ·Y (P × P over w·K), Ãᵀ·Y, Z̄·J_A and the unit's own (F+1)² block.
    hessFlops += 2 * w * K * (prefix * prefix + 3 * fanIn * prefix + C * prefix + (fanIn + 1) ** 2);
    prefix += w * fanIn + w;
    fanIn = w;
  }
  const grad = {
    // Forward and backward through the weights on every channel, plus the activations' jets.
    flops: 6 * K * weights + 30 * K * units,
    // Per layer: pre-activations, activations, their derivatives and the backward adjoints.
    bytes: 8 * (5 * K * units + 5 * N * units + 2 * n),
  };
  const hess = {
    // (2/N) JᵀJ accumulated in its lower triangle: N·n² multiply-adds.
    flops: grad.flops + 2 * N * n * n + hessFlops,
    // H and the Gram matrix G, J and Jᵀ, the Jacobian blocks.
    bytes: grad.bytes + 8 * (2 * n * n + 2 * N * n + jacobian),
  };
  return { grad, hess };
}

type BaseSpec = Exclude<OptimizerSpec, { kind: 'warm-start' }>;

/** One iteration of an optimizer: its passes and its own linear algebra. */
function stepCost(
  o: BaseSpec,
  n: number,
  p: ReturnType<typeof passCosts>,
  path: (string | number)[],
): TaskCost {
  const { grad, hess } = p;
  const mat = 8 * n * n;
  switch (o.kind) {
    case 'newton':
    case 'saddle-free-newton': {
      const krylov = o as { solver?: string; maxKrylov?: number };
      if (krylov.solver === 'krylov') {
        // MINRES (newton) or Lanczos (saddle-free) on Hessian-vector products, a few gradients
        // each: no n × n matrix. Counted at the iterations' cap when below 100, else at 100 (they
        // stop at their tolerance; the cap, 10n for MINRES, is rarely reached).
        const products = Math.min(krylov.maxKrylov ?? 100, 100, n);
        return {
          flops: grad.flops + products * (4 * grad.flops + 10 * n),
          bytes: 3 * grad.bytes + 8 * (products + 4) * n,
          dense: [],
        };
      }
      if (o.kind === 'newton')
        return {
          // H + λI copied and factored by LDLᵀ: n³/6 multiply-adds.
          flops: hess.flops + n ** 3 / 3,
          bytes: hess.bytes + mat,
          dense: [
            {
              path,
              what: "newton's dense solve needs the n × n Hessian",
              instead: 'add `solver: krylov` (Hessian-vector products, no matrix)',
            },
          ],
        };
      return {
        // The eigendecomposition with vectors (tridiagonalization, QL, back-transformation),
        // then two value passes of backtracking.
        flops: hess.flops + 9 * n ** 3 + 2 * grad.flops,
        bytes: hess.bytes + 2 * mat,
        dense: [
          {
            path,
            what: 'saddle-free newton needs the eigendecomposition of the n × n Hessian',
            instead: 'add `solver: krylov` (|H| in a Lanczos subspace, no matrix)',
          },
        ],
      };
    }
    case 'bfgs':
      return {
        flops: 3 * grad.flops + 4 * n * n,
        bytes: grad.bytes + 2 * mat,
        dense: [
          { path, what: 'bfgs keeps a dense n × n inverse-Hessian approximation', instead: 'use l-bfgs' },
        ],
      };
    case 'l-bfgs':
      return { flops: 3 * grad.flops + 4 * o.memory * n, bytes: grad.bytes + 16 * o.memory * n, dense: [] };
    case 'adam':
      return { flops: grad.flops + 10 * n, bytes: grad.bytes + 24 * n, dense: [] };
    case 'gd':
      if (o.stepRule === 'fixed') return { flops: grad.flops + 2 * n, bytes: grad.bytes + 8 * n, dense: [] };
      return {
        flops: hess.flops + 2 * n * n,
        bytes: hess.bytes,
        dense: [
          {
            path,
            what: "gd's curvature step gᵀHg forms the n × n Hessian",
            instead: 'add `stepRule: fixed`',
          },
        ],
      };
  }
}

function maxCost(a: TaskCost, b: TaskCost): TaskCost {
  return {
    flops: Math.max(a.flops, b.flops),
    bytes: Math.max(a.bytes, b.bytes),
    dense: [...a.dense, ...b.dense],
  };
}

export interface RunSettings {
  readonly maxIter: number;
  readonly spectrum: boolean;
  /** record.spectrumMethod: absent, dense up to DENSE_SPECTRUM_MAX parameters. */
  readonly spectrumMethod?: 'dense' | 'lanczos';
}

/**
 * One optimizer run of at most `maxIter` iterations on a problem of this size, then (with
 * `record.spectrum`) the final Hessian's eigenvalues. `path` names the optimizer in the spec.
 */
export function optimizeCost(
  o: OptimizerSpec,
  size: ProblemSize,
  run: RunSettings,
  path: (string | number)[],
): TaskCost {
  const p = passCosts(size);
  const { n } = size;
  const step =
    o.kind === 'warm-start'
      ? maxCost(stepCost(o.first, n, p, [...path, 'first']), stepCost(o.next, n, p, [...path, 'next']))
      : stepCost(o, n, p, path);
  let total: TaskCost = { flops: (run.maxIter + 1) * step.flops, bytes: step.bytes, dense: step.dense };
  // Beyond DENSE_SPECTRUM_MAX (or with spectrumMethod: lanczos) the final point is classified by
  // Lanczos and stochastic Lanczos quadrature on Hessian-vector products: no n × n matrix.
  const lanczos =
    run.spectrumMethod === 'lanczos' || (run.spectrumMethod === undefined && n > DENSE_SPECTRUM_MAX);
  if (run.spectrum && lanczos)
    return {
      ...total,
      flops: total.flops + 200 * (4 * p.grad.flops + 10 * n),
      bytes: Math.max(total.bytes, 3 * p.grad.bytes + 8 * 110 * n),
    };
  if (run.spectrum) {
    const spectrumBytes = p.hess.bytes + 16 * n * n;
    total = {
      // Eigenvalues only: tridiagonalization (4n³/3) and a QL sweep without vectors.
      flops: total.flops + p.hess.flops + (4 / 3) * n ** 3 + 30 * n * n,
      bytes: Math.max(total.bytes, spectrumBytes),
      // Worth naming only when turning it off would save most of the memory.
      peakIsSpectrum: spectrumBytes > 2 * total.bytes,
      dense: [
        ...total.dense,
        {
          path: ['record', 'spectrum'],
          what: "classifying the final point takes the n × n Hessian's eigenvalues",
          instead: 'set `record.spectrumMethod: lanczos` or `record.spectrum: false`',
        },
      ],
    };
  }
  return total;
}

/** One trials task: `batch` matrices of the largest n (shared/trials). */
export function trialsCost(t: TrialsSpec): TaskCost {
  let worst: TaskCost = { flops: 0, bytes: 0, dense: [] };
  for (const model of t.models)
    for (const n of t.n) {
      const perTrial =
        model === 'tridiagonal'
          ? { flops: 50 * n, bytes: 32 * n }
          : // Drawing n(n+1)/2 normals, then elimination: with early exit (census) a random
            // matrix shows itself indefinite within a few pivots; the index needs all of LDLᵀ.
            { flops: t.method === 'index' ? n ** 3 / 3 + 10 * n * n : 12 * n * n, bytes: 16 * n * n };
      const batch = Math.min(t.batch, t.trials);
      worst = maxCost(worst, { flops: batch * perTrial.flops, bytes: perTrial.bytes, dense: [] });
    }
  return worst;
}

export const seconds = (flops: number) => flops / FLOP_RATE;
