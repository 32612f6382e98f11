/**
 * The matrix-free solvers (shared/linalg/minres.ts, lanczos.ts, slq.ts) against the dense ones on
 * the same matrices: MINRES against the LDLᵀ solve on symmetric indefinite (and singular) systems,
 * Lanczos extremes against the dense eigenvalues, SLQ counts against the dense inertia.
 */
import test from 'ava';
import { eigSym } from '../../shared/linalg/eig.js';
import { lanczos, lanczosExtremes, ritzPairs } from '../../shared/linalg/lanczos.js';
import { ldlt } from '../../shared/linalg/ldlt.js';
import { minres } from '../../shared/linalg/minres.js';
import { counted, denseOperator, shifted } from '../../shared/linalg/operator.js';
import { slq, slqCounts, smoothedDensity } from '../../shared/linalg/slq.js';
import { Stream } from '../../shared/rng/stream.js';
import { randomSymmetric } from '../helpers/matrices.js';

/** A random orthogonal n × n Q (eigenvectors of a random symmetric matrix), row-major. */
function orthogonal(n: number, key: string): Float64Array {
  const g = randomSymmetric(new Stream('krylov-q', key), n);
  return eigSym(g, n, { vectors: true }).vectors!;
}

/** Q diag(λ) Qᵀ: a symmetric matrix with exactly the spectrum λ (up to rounding). */
function withSpectrum(lambda: Float64Array, key: string): Float64Array {
  const n = lambda.length;
  const q = orthogonal(n, key);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let m = 0; m < n; m++) s += q[i * n + m] * lambda[m] * q[j * n + m];
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  return a;
}

const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, y) => s + y * y, 0));
function residual(a: Float64Array, n: number, x: Float64Array, b: Float64Array): number {
  const ax = denseOperator(a, n).apply(x, new Float64Array(n));
  return norm(ax.map((y, i) => b[i] - y)) / norm(b);
}
function relDiff(a: Float64Array, b: Float64Array): number {
  return norm(a.map((y, i) => y - b[i])) / norm(b);
}
/** n values uniform in [lo, hi], from the stream. */
const uniforms = (rng: Stream, n: number, lo: number, hi: number) =>
  Float64Array.from({ length: n }, () => rng.uniformIn(lo, hi));

test('MINRES solves indefinite systems as LDLᵀ does, to the requested residual', (t) => {
  const rng = new Stream('krylov-minres', 'indefinite');
  for (const [n, rtol] of [
    [40, 1e-12],
    [120, 1e-10],
    [120, 1e-6],
  ] as const) {
    // Both signs, |λ| in [0.1, 10]: condition 100.
    const lambda = uniforms(rng, n, 0.1, 10).map((l, i) => (i % 3 === 0 ? -l : l));
    const a = withSpectrum(lambda, `indef-${n}-${rtol}`);
    const b = rng.fillNormal(new Float64Array(n));
    const ref = ldlt(a, n).solve(b);
    const op = counted(denseOperator(a, n));
    const r = minres(op, b, { rtol, maxIter: 10 * n });
    const trueRes = residual(a, n, r.x, b);
    t.log(
      `n ${n}, rtol ${rtol}: ${r.iterations} iterations, residual ${r.relResidual.toExponential(2)} (true ${trueRes.toExponential(2)}), ‖x − x_LDLᵀ‖/‖x‖ ${relDiff(r.x, ref).toExponential(2)}`,
    );
    t.is(r.status, 'converged');
    t.is(op.count, r.iterations, 'one product an iteration');
    t.true(r.relResidual <= rtol);
    t.true(trueRes <= 2 * rtol, `the true residual ${trueRes} honours rtol`);
    // ‖x − x*‖/‖x*‖ ≤ κ · ‖r‖/‖b‖ with κ = 100.
    t.true(relDiff(r.x, ref) <= 100 * 2 * rtol + 1e-13);
  }
});

test('MINRES with a shift solves (A + λI) x = b; residuals never increase with the iteration cap', (t) => {
  const n = 60;
  const rng = new Stream('krylov-minres', 'shift');
  const lambda = uniforms(rng, n, -3, 5);
  const a = withSpectrum(lambda, 'shift');
  const b = rng.fillNormal(new Float64Array(n));
  const shift = 0.37;
  const m = Float64Array.from(a);
  for (let i = 0; i < n; i++) m[i * n + i] += shift;
  const r = minres(shifted(denseOperator(a, n), shift), b, { rtol: 1e-11, maxIter: 1000 });
  t.is(r.status, 'converged');
  t.true(residual(m, n, r.x, b) < 3e-11);
  let prev = Number.POSITIVE_INFINITY;
  for (let cap = 1; cap <= 12; cap++) {
    const c = minres(shifted(denseOperator(a, n), shift), b, { rtol: 1e-14, maxIter: cap });
    t.is(c.status, 'max_iter');
    t.is(c.iterations, cap);
    // The estimate is the true residual of x_k, and MINRES minimizes it over growing spaces.
    t.true(Math.abs(c.relResidual - residual(m, n, c.x, b)) < 1e-12);
    t.true(c.relResidual <= prev + 1e-15, `residual rose at cap ${cap}`);
    prev = c.relResidual;
  }
});

test('MINRES on a singular consistent system returns the minimum-norm solution', (t) => {
  const n = 50;
  const rng = new Stream('krylov-minres', 'singular');
  const lambda = uniforms(rng, n, 0.5, 4).map((l, i) => (i < 5 ? 0 : i % 2 ? -l : l));
  const q = orthogonal(n, 'singular');
  const a = withSpectrum(lambda, 'singular');
  // b in the range of A: a combination of eigenvectors with nonzero eigenvalues; then the
  // minimum-norm solution is Σ (qⱼᵀb / λⱼ) qⱼ over those.
  const b = new Float64Array(n);
  const x = new Float64Array(n);
  for (let j = 5; j < n; j++) {
    const c = rng.normal();
    for (let i = 0; i < n; i++) {
      b[i] += c * q[i * n + j];
      x[i] += (c / lambda[j]) * q[i * n + j];
    }
  }
  const r = minres(denseOperator(a, n), b, { rtol: 1e-12, maxIter: 500 });
  t.not(r.status, 'max_iter');
  t.true(relDiff(r.x, x) < 1e-9, `distance to the minimum-norm solution ${relDiff(r.x, x)}`);
  t.true(ldlt(a, n).singular, 'LDLᵀ cannot solve it');
});

test('MINRES: b = 0 gives x = 0 without a product; a wrong length names it', (t) => {
  const op = counted(denseOperator(Float64Array.of(1, 2, 2, -1), 2));
  const r = minres(op, new Float64Array(2), { rtol: 1e-8, maxIter: 10 });
  t.deepEqual([r.status, r.iterations, r.relResidual, op.count], ['invariant', 0, 0, 0]);
  t.deepEqual(r.x, new Float64Array(2));
  t.throws(() => minres(op, new Float64Array(3), { rtol: 1e-8, maxIter: 10 }), {
    message: /right-hand side has 3 entries, expected 2/,
  });
});

test('Lanczos for k = n reproduces every eigenvalue; the basis stays orthogonal', (t) => {
  const n = 40;
  const rng = new Stream('krylov-lanczos', 'full');
  const lambda = uniforms(rng, n, -5, 5);
  const a = withSpectrum(lambda, 'full');
  const ref = eigSym(a, n).values;
  const r = ritzPairs(lanczos(denseOperator(a, n), rng.fillNormal(new Float64Array(n)), n));
  t.is(r.values.length, n);
  for (let j = 0; j < n; j++)
    t.true(Math.abs(r.values[j] - ref[j]) < 1e-12 * 5, `θ_${j} ${r.values[j]} vs λ ${ref[j]}`);
  // Quadrature weights of a unit start vector sum to 1.
  t.true(Math.abs(r.first.reduce((s, f) => s + f * f, 0) - 1) < 1e-13);
});

test('Lanczos extremes match the dense extreme eigenvalues within their residual bounds', (t) => {
  const n = 400;
  const rng = new Stream('krylov-lanczos', 'extremes');
  // A bulk in [−1, 2] and isolated extremes (the shape of a network Hessian: a few outliers).
  const lambda = uniforms(rng, n, -1, 2);
  lambda[0] = -4;
  lambda[1] = -3.5;
  lambda[2] = 9;
  lambda[3] = 7;
  const a = withSpectrum(lambda, 'extremes');
  const ref = eigSym(a, n).values;
  const e = lanczosExtremes(denseOperator(a, n), rng.fillNormal(new Float64Array(n)), 40);
  t.log(
    `θ_min ${e.min} ± ${e.minResidual.toExponential(1)} (λ_min ${ref[0]}); θ_max ${e.max} ± ${e.maxResidual.toExponential(1)} (λ_max ${ref[n - 1]})`,
  );
  t.is(e.steps, 40);
  // Rayleigh quotients: never beyond the true extremes.
  t.true(e.min >= ref[0] - 1e-12);
  t.true(e.max <= ref[n - 1] + 1e-12);
  // An eigenvalue (here the extreme one) within the residual bound, and the bound is small.
  t.true(Math.abs(e.min - ref[0]) <= e.minResidual + 1e-12);
  t.true(Math.abs(e.max - ref[n - 1]) <= e.maxResidual + 1e-12);
  t.true(e.minResidual < 1e-6 && e.maxResidual < 1e-6, 'isolated extremes converge in 40 steps');
});

test('Lanczos stops at an invariant subspace: three distinct eigenvalues, three steps', (t) => {
  const n = 30;
  const lambda = Float64Array.from({ length: n }, (_, i) => [-2, 1, 3][i % 3]);
  const a = withSpectrum(lambda, 'three');
  const op = counted(denseOperator(a, n));
  const tr = lanczos(op, new Stream('krylov-lanczos', 'three').fillNormal(new Float64Array(n)), 20);
  t.is(tr.steps, 3);
  t.is(op.count, 3);
  const r = ritzPairs(tr);
  t.deepEqual(
    Array.from(r.values, (v) => Math.round(v * 1e9) / 1e9),
    [-2, 1, 3],
  );
  t.throws(() => lanczos(op, new Float64Array(n), 5), { message: /start vector is zero/ });
});

test('SLQ estimates the negative, zero and positive counts within their stated errors', (t) => {
  const n = 300;
  const rng = new Stream('krylov-slq', 'spectrum');
  // 90 negative, 60 near zero (the trivial saddle's flat directions), 150 positive.
  const lambda = new Float64Array(n);
  for (let i = 0; i < n; i++)
    lambda[i] =
      i < 90 ? rng.uniformIn(-3, -0.3) : i < 150 ? rng.uniformIn(-1e-9, 1e-9) : rng.uniformIn(0.3, 5);
  const a = withSpectrum(lambda, 'slq');
  const cut = 1e-6;
  const inertia = { negative: 90, zero: 60, positive: 150 };
  const probes = 30;
  let coarse = 0;
  for (const k of [10, 60]) {
    const d = slq(denseOperator(a, n), new Stream('slq', 'probe-key'), probes, k);
    const c = slqCounts(d, n, cut);
    t.log(
      `k ${k}: ${c.negative.toFixed(1)} ± ${c.stdErr.negative.toFixed(1)}, ${c.zero.toFixed(1)} ± ${c.stdErr.zero.toFixed(1)}, ` +
        `${c.positive.toFixed(1)} ± ${c.stdErr.positive.toFixed(1)} (dense ${inertia.negative}, ${inertia.zero}, ${inertia.positive})`,
    );
    t.true(Math.abs(c.negative + c.zero + c.positive - n) < 1e-9, 'the counts add up to n');
    const worst = Math.max(
      ...(['negative', 'zero', 'positive'] as const).map((key) => Math.abs(c[key] - inertia[key])),
    );
    if (k === 10) {
      coarse = worst;
      continue;
    }
    for (const key of ['negative', 'zero', 'positive'] as const) {
      // Four standard errors plus the quadrature's bias at k = 60, which we state as 5% of n.
      const err = Math.abs(c[key] - inertia[key]);
      t.true(err <= 4 * c.stdErr[key] + 0.05 * n, `${key}: off by ${err}, stated ${c.stdErr[key]}`);
      // The stated error is the Hutchinson bound's size √(2·#/m), not a blanket.
      t.true(c.stdErr[key] <= 2 * Math.sqrt((2 * inertia[key]) / probes));
    }
    t.true(worst < coarse, 'more Lanczos steps resolve the spectrum better');
    // The smoothed density is a probability density.
    const grid = Float64Array.from({ length: 2001 }, (_, i) => -6 + (12 * i) / 2000);
    const rho = smoothedDensity(d, grid, 0.05);
    const mass = rho.reduce((s, y) => s + y, 0) * (12 / 2000);
    t.true(Math.abs(mass - 1) < 1e-3, `mass ${mass}`);
  }
});

test('SLQ is reproducible bit for bit from its stream, and the stream matters', (t) => {
  const n = 80;
  const a = withSpectrum(uniforms(new Stream('krylov-slq', 'r'), n, -2, 2), 'repro');
  const one = slq(denseOperator(a, n), new Stream('slq', 'k', 1), 4, 10);
  const two = slq(denseOperator(a, n), new Stream('slq', 'k', 1), 4, 10);
  const other = slq(denseOperator(a, n), new Stream('slq', 'k', 2), 4, 10);
  t.deepEqual(one, two);
  t.notDeepEqual(one.weights, other.weights);
});
