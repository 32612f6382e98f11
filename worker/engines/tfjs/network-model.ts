import type * as tf from '@tensorflow/tfjs';
import type { NetworkObjective } from '../../../shared/problems/network.js';
import type { TfModule } from './backend.js';

/**
 * A batch of S networks of one architecture on one problem, as tfjs ops (float32): the regression
 * residual u − f, the 1-D PINN's −u″ − f or the 2-D PINN's −Δu + κu − f, at N points, for each of
 * the S parameter sets. The model is written from the problem's definition alone (nothing of
 * shared/nets): it is the tfjs engine's objective and the independent reference of
 * test/shared/nets-tfjs*.test.ts.
 *
 * Parameters are the blocks of θ = [W₁, b₁, …, W_L, b_L, c] (shared/nets/layout.ts), each with a
 * leading seed axis: W_l [S, w, fan_in] (row-major as in θ), b_l [S, w], c [S, w].
 * u″ and Δu come from nested tf.grad with respect to the input coordinates. Every seed has its own
 * copy of the points ([S, N, d]), so ∂/∂Y of Σ u over the batch is each seed's own per-point
 * derivative: seeds never mix.
 */
export interface NetworkBatch {
  readonly kind: 'mlp-regression' | 'pinn-1d' | 'pinn-2d';
  readonly depth: number;
  readonly activation: 'tanh' | 'sin';
  readonly omega: number;
  /** Reaction coefficient of pinn-2d (0 elsewhere). */
  readonly kappa: number;
  /** Points [S, N, d]. */
  readonly points: tf.Tensor3D;
  /** Target (regression) or forcing (PINN) [S, N]. */
  readonly target: tf.Tensor2D;
  /** Fourier matrices B [S, m, d] (each seed draws its own), or null. */
  readonly fourier: tf.Tensor3D | null;
  /** Differentiable to any order in θ as well (tanh as sinh/cosh always): for reverse-over-reverse. */
  readonly nestable?: boolean;
}

/** Whether the loss needs derivatives in the input coordinates (nested gradients). */
export const needsSecondDerivatives = (kind: NetworkBatch['kind']) => kind !== 'mlp-regression';

/** Residuals [S, N] of every seed at its parameters. */
export function residuals(tf: TfModule, net: NetworkBatch, params: readonly tf.Tensor[]): tf.Tensor2D {
  const nested = net.nestable || needsSecondDerivatives(net.kind);
  const act = (z: tf.Tensor): tf.Tensor => {
    if (net.activation === 'sin') return tf.sin(tf.mul(z, net.omega));
    // tensorflow/tfjs#3252 (open in 4.22): Tanh saves its output for the backward pass, and the
    // gradient of such an op cannot be differentiated again. sinh/cosh save their inputs and nest
    // to any order (float32 cosh overflows only for |z| > 89, far beyond these pre-activations);
    // tf.tanh, one op instead of three, is used where no gradient is nested.
    return nested ? tf.div(tf.sinh(z), tf.cosh(z)) : tf.tanh(z);
  };
  const boundary = (Y: tf.Tensor): tf.Tensor | null => {
    if (net.kind === 'mlp-regression') return null;
    const x = tf.slice(Y, [0, 0, 0], [-1, -1, 1]);
    const bx = tf.mul(x, tf.sub(1, x));
    if (net.kind === 'pinn-1d') return bx;
    const y = tf.slice(Y, [0, 0, 1], [-1, -1, 1]);
    return tf.mul(bx, tf.mul(y, tf.sub(1, y)));
  };
  /** u at the points Y [S, N, d] → [S, N, 1]. */
  const u = (Y: tf.Tensor): tf.Tensor => {
    let a: tf.Tensor = Y;
    if (net.fourier) {
      const phi = tf.mul(tf.matMul(Y, net.fourier, false, true), 2 * Math.PI);
      a = tf.concat([tf.cos(phi), tf.sin(phi)], 2); // cos features first, then sin
    }
    for (let l = 0; l < net.depth; l++)
      a = act(tf.add(tf.matMul(a, params[2 * l], false, true), tf.expandDims(params[2 * l + 1], 1)));
    const out = tf.matMul(a, tf.expandDims(params[2 * net.depth], 2));
    const b = boundary(Y);
    return b ? tf.mul(out, b) : out;
  };
  // Points are independent (and so are seeds), so ∂/∂Y of Σ u(Y) is the per-point gradient.
  const du = (Y: tf.Tensor): tf.Tensor => tf.grad((Z: tf.Tensor) => tf.sum(u(Z)))(Y);
  const second = (k: number): tf.Tensor =>
    tf.slice(
      tf.grad((Y: tf.Tensor) => tf.sum(tf.slice(du(Y), [0, 0, k], [-1, -1, 1])))(net.points),
      [0, 0, k],
      [-1, -1, 1],
    );
  const X = net.points;
  let r: tf.Tensor;
  if (net.kind === 'mlp-regression') r = u(X);
  else if (net.kind === 'pinn-1d') r = tf.neg(second(0));
  else r = tf.add(tf.neg(tf.add(second(0), second(1))), tf.mul(u(X), net.kappa));
  return tf.sub(tf.squeeze(r, [2]), net.target) as tf.Tensor2D;
}

/** The loss of every seed, (1/N) Σᵢ rᵢ² → [S]. */
export function losses(tf: TfModule, net: NetworkBatch, params: readonly tf.Tensor[]): tf.Tensor1D {
  return tf.mean(tf.square(residuals(tf, net, params)), 1) as tf.Tensor1D;
}

/**
 * The batch of the objectives of S seeds of one problem spec (float32 copies of their points,
 * targets and Fourier matrices). The caller disposes the tensors (`disposeBatch`).
 */
export function networkBatchOf(
  tf: TfModule,
  problem: { kind: string } & Record<string, unknown>,
  objectives: readonly NetworkObjective[],
): NetworkBatch {
  const kind = problem.kind as NetworkBatch['kind'];
  const S = objectives.length;
  const { d } = objectives[0].def;
  const N = objectives[0].def.points.length / d;
  const stack = (get: (f: NetworkObjective) => Float64Array, shape: number[]) => {
    const out = new Float32Array(S * shape.reduce((p, q) => p * q, 1));
    objectives.forEach((f, s) => {
      out.set(get(f), (s * out.length) / S);
    });
    return tf.tensor(out, [S, ...shape]);
  };
  const m = objectives[0].fourier ? objectives[0].fourier.length / d : 0;
  return {
    kind,
    depth: objectives[0].params.depth,
    activation: objectives[0].params.activation,
    omega: objectives[0].params.omega,
    kappa: kind === 'pinn-2d' ? (problem.kappa as number) : 0,
    points: stack((f) => f.def.points, [N, d]) as tf.Tensor3D,
    target: stack((f) => f.def.target, [N]) as tf.Tensor2D,
    fourier: m > 0 ? (stack((f) => f.fourier!, [m, d]) as tf.Tensor3D) : null,
  };
}

/** The batch of the seeds at rows `rows` (in order). */
export function selectSeeds(tf: TfModule, net: NetworkBatch, rows: readonly number[]): NetworkBatch {
  const idx = tf.tensor1d(Int32Array.from(rows), 'int32');
  const out = {
    ...net,
    points: tf.gather(net.points, idx),
    target: tf.gather(net.target, idx),
    fourier: net.fourier ? tf.gather(net.fourier, idx) : null,
  };
  idx.dispose();
  return out;
}

export function disposeBatch(net: NetworkBatch): void {
  net.points.dispose();
  net.target.dispose();
  net.fourier?.dispose();
}
