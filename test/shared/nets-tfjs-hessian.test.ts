/**
 * An independent check of the exact Hessian of the network objectives (mlp-regression, pinn-1d,
 * pinn-2d): `evaluate2(θ).hessian` (shared/nets/loss-hessian.ts, assembled by edge pushing)
 * against @tensorflow/tfjs reverse-over-reverse autodiff (CPU backend, float32) on the same θ.
 *
 * The tfjs side is the model of nets-tfjs.test.ts, the tfjs engine's
 * (worker/engines/tfjs/network-model.ts), on a batch of one: θ is one flat float32 tensor, sliced
 * into [W₁, b₁, …, W_L, b_L, c] by a layout recomputed from the spec; the network, Fourier
 * embedding and boundary factor are tf ops; u″ / Δu come from nested tf.grad w.r.t. the input
 * coordinates. Column j of the Hessian is then
 * tf.grad(θ ↦ (∇_θ L)_j) — for the PINNs four nested reverse passes through the activation.
 *
 * tanh is written as sinh(z) / cosh(z) (tensorflow/tfjs#3252: Tanh saves its output, and the
 * gradient of such an op cannot be differentiated again); Sinh, Cosh, RealDiv, Sin and every other
 * op used here save their inputs and nest to any order, so all combinations (tanh and sin, with
 * and without Fourier features, regression and both PINNs) are covered, the PINNs at 4th order.
 */
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import { networkBatchOf, residuals } from '../../worker/engines/tfjs/network-model.js';
import { maxAbs, relativeError } from '../helpers/derivatives.js';
import type { NetCase, NetKind, Setup } from '../helpers/tfjs-nets.js';
import {
  blocksOf,
  blockTensors,
  caseName,
  networkFields,
  perturbedSetup,
  tfjsCpu,
} from '../helpers/tfjs-nets.js';

/**
 * ‖H − H_tf‖_max / max(1, ‖H_tf‖_max) (largest entry error against the largest entry), also per
 * pair of parameter blocks against the block's own scale. Honest for float32 through four nested
 * reverse passes (observed ≤ 2e-6 overall, ≤ 7e-6 per block; the tfjs Hessian's own asymmetry is
 * ~1e-7), yet a 1% error in the largest block or the Gauss–Newton part alone fails (see 'teeth').
 */
const HESS_TOL = 2e-3;

/** A case's problem (10 regression points, 8 collocation points, a 3 × 3 grid) and a perturbed θ. */
function setup(c: NetCase): Setup {
  const raw = networkFields(c);
  if (c.kind === 'mlp-regression') raw.points = 10;
  if (c.kind === 'pinn-1d') raw.points = 8;
  if (c.kind === 'pinn-2d') Object.assign(raw, { grid: 3, kappa: 1.5 });
  return perturbedSetup(raw, caseName(c), 'tfjs-hess');
}

/**
 * The Hessian of L by tfjs (float32), n × n row-major: column j = ∇_θ (∇_θ L)_j; and its
 * Gauss–Newton part (2/N) JᵀJ, J = ∂r/∂θ row by row, for the teeth test.
 */
function tfHessian(s: Setup): { H: Float64Array; gn: Float64Array } {
  const { spec, f, theta } = s;
  const kind = spec.kind as NetKind;
  const d = kind === 'pinn-2d' ? 2 : 1;
  const { blocks, dim: n } = blocksOf(spec, d);
  if (n !== theta.length) throw new Error(`layout dim ${n} ≠ θ length ${theta.length}`);
  const N = f.def.points.length / d;
  const H = new Float64Array(n * n);
  const gn = new Float64Array(n * n);
  tf.tidy(() => {
    const net = { ...networkBatchOf(tf, spec as { kind: string }, [f]), nestable: true };
    const residual = (th: tf.Tensor): tf.Tensor =>
      tf.reshape(residuals(tf, net, blockTensors(th, blocks)), [N]);
    const loss = (th: tf.Tensor): tf.Scalar => tf.mean(tf.square(residual(th)));
    const th0 = tf.tensor1d(Float32Array.from(theta));
    const grad = tf.grad(loss);
    for (let j = 0; j < n; j++) {
      const col = tf.tidy(() =>
        tf
          .grad((th: tf.Tensor) => tf.sum(tf.slice(grad(th), [j], [1])))(th0)
          .dataSync(),
      );
      for (let i = 0; i < n; i++) H[i * n + j] = col[i];
    }
    for (let i = 0; i < N; i++) {
      const row = tf.tidy(() =>
        tf
          .grad((th: tf.Tensor) => tf.sum(tf.slice(residual(th), [i], [1])))(th0)
          .dataSync(),
      );
      for (let p = 0; p < n; p++)
        for (let q = 0; q < n; q++) gn[p * n + q] += ((2 / N) * row[p] * row[q]) as number;
    }
  });
  return { H, gn };
}

/** ‖A − R‖_max / max(1, ‖R‖_max). */
const hessError = (A: Float64Array, R: Float64Array) => relativeError(R, A);

test.before(tfjsCpu);

const CASES: NetCase[] = [
  { kind: 'mlp-regression', activation: 'tanh', depth: 2, width: 3 },
  { kind: 'mlp-regression', activation: 'sin', omega: 2, depth: 2, width: 3 },
  { kind: 'mlp-regression', activation: 'tanh', depth: 1, width: 4, fourierFeatures: 2 },
  { kind: 'mlp-regression', activation: 'sin', omega: 1.5, depth: 2, width: 3, fourierFeatures: 2 },
  { kind: 'pinn-1d', activation: 'sin', omega: 1.5, depth: 2, width: 3 },
  { kind: 'pinn-1d', activation: 'tanh', depth: 2, width: 3 },
  { kind: 'pinn-1d', activation: 'sin', omega: 2, depth: 1, width: 4, fourierFeatures: 2 },
  { kind: 'pinn-2d', activation: 'tanh', depth: 2, width: 3 },
];

type Blocks = Array<{ off: number; shape: number[] }>;
const size = (b: { shape: number[] }) => b.shape.reduce((q, r) => q * r, 1);

/** The same error per pair of parameter blocks (W_l, b_l, c), each against its own scale; the worst. */
function blockError(A: Float64Array, R: Float64Array, n: number, blocks: Blocks): number {
  let worst = 0;
  for (const bp of blocks)
    for (const bq of blocks) {
      let err = 0;
      let scale = 1;
      for (let i = bp.off; i < bp.off + size(bp); i++)
        for (let j = bq.off; j < bq.off + size(bq); j++) {
          err = Math.max(err, Math.abs(A[i * n + j] - R[i * n + j]));
          scale = Math.max(scale, Math.abs(R[i * n + j]));
        }
      worst = Math.max(worst, err / scale);
    }
  return worst;
}

const worst = { err: 0, block: 0, asym: 0 };
/** One computed case (ours, tfjs) kept for the teeth test, so tfjs runs once per case. */
let kept: { H: Float64Array; ref: Float64Array; gn: Float64Array; n: number; blocks: Blocks } | null = null;

for (const c of CASES) {
  test.serial(`${caseName(c)}: Hessian matches tfjs reverse-over-reverse`, (t) => {
    const s = setup(c);
    const n = s.theta.length;
    const { blocks } = blocksOf(s.spec, c.kind === 'pinn-2d' ? 2 : 1);
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    const { H: ref, gn } = tfHessian(s);
    const ms = performance.now() - t0;
    t.is(tf.memory().numTensors, before, 'tfjs tensors all disposed');
    const { hessian: H } = s.f.evaluate2(s.theta);
    t.is(H.length, n * n);
    // The float32 noise floor of the reference itself: its own asymmetry.
    const refT = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) refT[i * n + j] = ref[j * n + i];
    const asym = hessError(ref, refT);
    const err = hessError(H, ref);
    const be = blockError(H, ref, n, blocks);
    worst.err = Math.max(worst.err, err);
    worst.block = Math.max(worst.block, be);
    worst.asym = Math.max(worst.asym, asym);
    t.log(
      `n ${n}, ‖H‖max ${maxAbs(ref).toPrecision(3)}, err ${err.toExponential(2)}, ` +
        `per-block ${be.toExponential(2)}, tfjs asymmetry ${asym.toExponential(2)}, ` +
        `Gauss–Newton part alone off by ${hessError(gn, ref).toExponential(2)}, tfjs ${ms.toFixed(0)} ms`,
    );
    t.true(err < HESS_TOL, `Hessian error ${err}`);
    t.true(be < HESS_TOL, `per-block Hessian error ${be}`);
    if (c.kind === 'pinn-1d' && c.activation === 'tanh') kept = { H, ref, gn, n, blocks };
  });
}

test.serial('worst errors over all cases', (t) => {
  t.log(
    `max Hessian err ${worst.err.toExponential(2)}, max per-block err ${worst.block.toExponential(2)}, ` +
      `max tfjs asymmetry ${worst.asym.toExponential(2)}`,
  );
  t.pass();
});

// The comparison has teeth: a slightly wrong Hessian (one symmetric off-diagonal block pair scaled
// by 1.01, or one symmetric off-diagonal pair of entries sign-flipped) fails it, and so does the
// Gauss–Newton part alone (so the second-order terms are checked, not just (2/N) JᵀJ).
test.serial('teeth: a perturbed Hessian fails the comparison', (t) => {
  if (!kept) return t.fail('the pinn-1d tanh case did not run');
  const { H, ref, gn, n, blocks } = kept;
  t.true(hessError(H, ref) < HESS_TOL, 'the unperturbed Hessian agrees');
  // The pair of distinct parameter blocks with the largest entries.
  let best = { p: 0, q: 1, m: -1 };
  for (let p = 0; p < blocks.length; p++)
    for (let q = p + 1; q < blocks.length; q++) {
      let m = 0;
      for (let i = 0; i < size(blocks[p]); i++)
        for (let j = 0; j < size(blocks[q]); j++)
          m = Math.max(m, Math.abs(H[(blocks[p].off + i) * n + blocks[q].off + j]));
      if (m > best.m) best = { p, q, m };
    }
  const scaled = Float64Array.from(H);
  const bp = blocks[best.p];
  const bq = blocks[best.q];
  for (let i = 0; i < size(bp); i++)
    for (let j = 0; j < size(bq); j++) {
      scaled[(bp.off + i) * n + bq.off + j] *= 1.01;
      scaled[(bq.off + j) * n + bp.off + i] *= 1.01;
    }
  const e1 = hessError(scaled, ref);
  // Sign flip of the largest off-diagonal entry pair.
  let ij = [0, 1];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) if (Math.abs(H[i * n + j]) > Math.abs(H[ij[0] * n + ij[1]])) ij = [i, j];
  const flipped = Float64Array.from(H);
  flipped[ij[0] * n + ij[1]] *= -1;
  flipped[ij[1] * n + ij[0]] *= -1;
  const e2 = hessError(flipped, ref);
  const e3 = hessError(gn, ref);
  t.log(
    `block pair (${best.p}, ${best.q}) ×1.01: err ${e1.toExponential(2)}; ` +
      `H[${ij[0]}][${ij[1]}] sign-flipped: err ${e2.toExponential(2)}; ` +
      `Gauss–Newton only: err ${e3.toExponential(2)} (tol ${HESS_TOL})`,
  );
  t.true(e1 > HESS_TOL, `scaled block pair passes (${e1})`);
  t.true(e2 > HESS_TOL, `sign flip passes (${e2})`);
  t.true(e3 > HESS_TOL, `Gauss–Newton part passes (${e3})`);
});
