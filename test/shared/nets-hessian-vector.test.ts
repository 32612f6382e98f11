/**
 * Exact Hessian-vector products of the network objectives (shared/nets/hessian-vector.ts) against
 * the dense exact Hessian times v (loss-hessian.ts, assembled by edge pushing: a different
 * algorithm) and against central differences of the exact gradient along v, for every problem
 * family, activation, initialization, embedding and depth. The independent autodiff check is
 * nets-tfjs-hvp.test.ts.
 */
import test from 'ava';
import { denseOperator } from '../../shared/linalg/operator.js';
import { hessianOperatorOf } from '../../shared/problems/curvature-operator.js';
import type { NetworkObjective } from '../../shared/problems/network.js';
import { Stream } from '../../shared/rng/stream.js';
import { problemKind } from '../../shared/study/problem-spec.js';
import { Rosenbrock } from '../helpers/objectives.js';

function build(spec: Record<string, unknown>): NetworkObjective {
  const k = problemKind(spec.kind as string);
  return k.create(k.schema.parse(spec), new Stream('hvp-problem', JSON.stringify(spec))) as NetworkObjective;
}

/** The initial point moved off it (biases start at zero), and a direction v: both deterministic. */
function pointAndDirection(f: NetworkObjective, seed: string) {
  const x = f.initial(new Stream('hvp-init', seed));
  const rng = new Stream('hvp-v', seed);
  for (let i = 0; i < x.length; i++) x[i] += 0.2 * rng.normal();
  const v = rng.fillNormal(new Float64Array(f.dim));
  return { x, v };
}

const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, y) => s + y * y, 0));
/** ‖a − b‖₂ / ‖b‖₂. */
function rel(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s) / norm(b);
}

const CASES: Record<string, unknown>[] = [
  { kind: 'mlp-regression', width: 6, points: 20 },
  { kind: 'mlp-regression', width: 5, depth: 1, points: 12 },
  { kind: 'mlp-regression', width: 4, depth: 4, points: 15 },
  { kind: 'mlp-regression', width: 4, depth: 3, activation: 'sin', omega: 2, points: 15 },
  { kind: 'mlp-regression', width: 5, activation: 'sin', omega: 3, init: 'siren', points: 15 },
  { kind: 'mlp-regression', width: 4, fourierFeatures: 3, fourierSigma: 1, points: 15 },
  { kind: 'pinn-1d', width: 4, activation: 'tanh', points: 10 },
  { kind: 'pinn-1d', width: 5, omega: 2, init: 'siren', points: 10 },
  { kind: 'pinn-1d', width: 3, depth: 3, omega: 1.5, points: 8 },
  { kind: 'pinn-1d', width: 4, depth: 1, fourierFeatures: 2, points: 10 },
  { kind: 'pinn-2d', width: 4, grid: 3, omega: 1.5 },
  { kind: 'pinn-2d', width: 3, depth: 3, grid: 3, activation: 'tanh', fourierFeatures: 2, kappa: 2 },
];

for (const spec of CASES) {
  test(`${JSON.stringify(spec)}: Hv equals dense H·v and central differences of the gradient`, (t) => {
    const f = build(spec);
    for (const seed of ['a', 'b']) {
      const { x, v } = pointAndDirection(f, seed);
      const lin = f.linearize(x);
      const dense = f.evaluate2(x);
      t.is(lin.hessian.dim, f.dim);
      // The linearization's own value and gradient are the same quantities, computed in another order.
      t.true(Math.abs(lin.value - dense.value) <= 1e-14 * Math.max(1, dense.value));
      t.true(rel(lin.gradient, dense.gradient) < 1e-13, 'gradient of the linearization');
      const hv = lin.hessian.apply(v, new Float64Array(f.dim));
      const ref = denseOperator(dense.hessian, f.dim).apply(v, new Float64Array(f.dim));
      const eDense = rel(hv, ref);
      // Central differences of the exact gradient along v, step h: error O(h²) + O(ε/h).
      const h = 1e-5;
      const xp = x.map((xi, i) => xi + h * v[i]);
      const xm = x.map((xi, i) => xi - h * v[i]);
      const gp = f.evaluate(xp).gradient;
      const gm = f.evaluate(xm).gradient;
      const fd = gp.map((g, i) => (g - gm[i]) / (2 * h));
      const eFd = rel(hv, fd);
      t.log(
        `n ${f.dim}, seed ${seed}: vs dense ${eDense.toExponential(1)}, vs differences ${eFd.toExponential(1)}`,
      );
      t.true(eDense <= 1e-12, `relative error against dense H·v: ${eDense}`);
      t.true(eFd < 1e-6, `relative error against central differences: ${eFd}`);
      // Linear in v: H(2v) = 2 Hv exactly (powers of two scale without rounding).
      const hv2 = lin.hessian.apply(
        v.map((y) => 2 * y),
        new Float64Array(f.dim),
      );
      t.deepEqual(
        hv2,
        hv.map((y) => 2 * y),
      );
      // The same product twice gives the same bits (no state leaks between products).
      t.deepEqual(lin.hessian.apply(v, new Float64Array(f.dim)), hv);
    }
  });
}

test('the dense fallback: an objective without products multiplies its dense Hessian', (t) => {
  const f = new Rosenbrock();
  const x = Float64Array.of(-1.2, 1);
  const op = hessianOperatorOf(f, x);
  const e = f.evaluate2(x);
  t.deepEqual(op.gradient, e.gradient);
  const hv = op.hessian.apply(Float64Array.of(1, -2), new Float64Array(2));
  t.deepEqual(hv, Float64Array.of(e.hessian[0] - 2 * e.hessian[1], e.hessian[2] - 2 * e.hessian[3]));
});
