/**
 * Exact network derivatives (shared/nets) against central differences, for every activation,
 * embedding and objective: gradient vs differences of the value, Hessian vs differences of the
 * exact gradient, exact symmetry, and the structure the paper's Eq. 7 predicts.
 * (The independent autodiff check against @tensorflow/tfjs is nets-tfjs.test.ts.)
 */
import test from 'ava';
import { classifyHessian } from '../../shared/analysis/classify.js';
import type { NetworkObjective } from '../../shared/problems/network.js';
import { Stream } from '../../shared/rng/stream.js';
import { problemKind } from '../../shared/study/problem-spec.js';
import { asymmetry, centralGradient, centralHessian, maxAbs, relativeError } from '../helpers/derivatives.js';

function build(spec: Record<string, unknown>, seed = 'a'): NetworkObjective {
  const k = problemKind(spec.kind as string);
  return k.create(
    k.schema.parse(spec),
    new Stream('problem', seed, JSON.stringify(spec)),
  ) as NetworkObjective;
}

/** The initial point moved off it deterministically, so that biases and every term are nonzero. */
function point(f: NetworkObjective, seed = 'a'): Float64Array {
  const x = f.initial(new Stream('init', seed));
  for (let i = 0; i < x.length; i++) x[i] += 0.25 * Math.sin(1.7 * i + 0.3);
  return x;
}

const CASES: Record<string, unknown>[] = [
  { kind: 'mlp-regression', width: 4, points: 20 },
  { kind: 'mlp-regression', width: 3, depth: 1, points: 12 },
  { kind: 'mlp-regression', width: 3, depth: 3, activation: 'sin', omega: 2, points: 15 },
  { kind: 'mlp-regression', width: 4, activation: 'sin', omega: 3, init: 'siren', points: 15 },
  { kind: 'mlp-regression', width: 3, fourierFeatures: 3, fourierSigma: 1, points: 15 },
  {
    kind: 'mlp-regression',
    width: 3,
    init: 'xavier-uniform',
    target: { kind: 'poly', coefficients: [0, 1, -2] },
  },
  { kind: 'pinn-1d', width: 3, activation: 'tanh', points: 10 },
  { kind: 'pinn-1d', width: 4, omega: 2, points: 10 },
  { kind: 'pinn-1d', width: 3, depth: 3, omega: 1.5, points: 8 },
  { kind: 'pinn-1d', width: 3, depth: 1, fourierFeatures: 2, points: 10 },
  { kind: 'pinn-2d', width: 3, grid: 3, omega: 1.5 },
  { kind: 'pinn-2d', width: 3, depth: 3, grid: 3, activation: 'tanh', fourierFeatures: 2, kappa: 2 },
];

for (const spec of CASES) {
  test(`${JSON.stringify(spec)}: gradient and Hessian match central differences; H is symmetric`, (t) => {
    const f = build(spec);
    for (const seed of ['a', 'b']) {
      const x = point(f, seed);
      const e = f.evaluate2(x);
      t.is(e.value, f.value(x));
      t.deepEqual(e.gradient, f.evaluate(x).gradient, 'evaluate and evaluate2 give the same gradient bits');
      const eg = relativeError(e.gradient, centralGradient(f, x));
      const eh = relativeError(e.hessian, centralHessian(f, x));
      t.log(`n = ${f.dim}: gradient ${eg.toExponential(1)}, Hessian ${eh.toExponential(1)}`);
      t.true(eg < 1e-7, `gradient error ${eg}`);
      t.true(eh < 1e-5, `Hessian error ${eh}`);
      t.is(asymmetry(e.hessian, f.dim), 0);
    }
  });
}

test('regression: the outer–outer block is (2/N) ΦᵀΦ to rounding', (t) => {
  const f = build({ kind: 'mlp-regression', width: 5, points: 30 });
  const x = point(f);
  const { hessian } = f.evaluate2(x);
  const n = f.dim;
  const { offC } = f.net.layout;
  const N = f.loss.N;
  const phi = f.loss.basisImages(f.loss.forward(x));
  let worst = 0;
  for (let k = 0; k < 5; k++)
    for (let l = 0; l < 5; l++) {
      let s = 0;
      for (let i = 0; i < N; i++) s += phi[i * 5 + k] * phi[i * 5 + l];
      worst = Math.max(worst, Math.abs(hessian[(offC + k) * n + offC + l] - (2 / N) * s));
    }
  t.true(worst <= 1e-15, `|H_cc − (2/N)ΦᵀΦ| = ${worst}`);
});

test('the trivial solution (c = 0, a basis orthogonal to f) is a stationary saddle', (t) => {
  // W₁ = 0 makes every basis function constant: orthogonal to sin(2πx) on a symmetric grid.
  const f = build({ kind: 'mlp-regression', width: 6, points: 100 });
  const x = point(f);
  const { offC, offW, offB } = f.net.layout;
  x.fill(0, offW[0], offB[0]);
  x.fill(0, offC);
  const e = f.evaluate2(x);
  const d = f.diagnostics(x);
  t.true(maxAbs(e.gradient) < 1e-14, `‖g‖∞ = ${maxAbs(e.gradient)}`);
  t.is(d.outputNormRatio, 0);
  t.true(d.orthogonality < 1e-14);
  const s = classifyHessian(e.hessian, f.dim, 1e-6);
  t.is(s.pointClass, 'saddle');
  t.true(s.negative > 0 && s.positive > 0);
});

test('diagnostics: the inner gradient norm is that of the inner block; ratios in range', (t) => {
  const f = build({ kind: 'mlp-regression', width: 3, points: 50 });
  const x = point(f);
  const d = f.diagnostics(x);
  const e = f.evaluate(x);
  const { offC } = f.net.layout;
  let gi = 0;
  for (let q = 0; q < offC; q++) gi += e.gradient[q] ** 2;
  t.is(d.gradNormInner, Math.sqrt(gi));
  t.true(d.orthogonality >= 0 && d.orthogonality <= 1);
  t.true(d.outputNormRatio > 0);
});

test('initialization: Xavier normal has the PyTorch variance, zero biases; Fourier B is the problem stream', (t) => {
  const f = build({ kind: 'mlp-regression', width: 200, depth: 2 });
  const x = f.initial(new Stream('init', 'var'));
  const { offW, offB } = f.net.layout;
  let s = 0;
  for (let q = offW[1]; q < offB[1]; q++) s += x[q] * x[q];
  const variance = s / (offB[1] - offW[1]);
  t.true(Math.abs(variance / (2 / 400) - 1) < 0.02, `var ${variance} vs ${2 / 400}`);
  t.true(x.subarray(offB[0], offW[1]).every((v) => v === 0));
  const g1 = build({ kind: 'mlp-regression', width: 3, fourierFeatures: 4, fourierSigma: 2 }, 's');
  const g2 = build({ kind: 'mlp-regression', width: 3, fourierFeatures: 4, fourierSigma: 2 }, 's');
  const g3 = build({ kind: 'mlp-regression', width: 3, fourierFeatures: 4, fourierSigma: 2 }, 't');
  t.deepEqual(g1.fourier, g2.fourier);
  t.notDeepEqual(g1.fourier, g3.fourier);
  t.is(g1.net.layout.inputs, 8);
});

test('a network problem spec names the field at fault', (t) => {
  const k = problemKind('mlp-regression');
  const bad = k.schema.safeParse({ kind: 'mlp-regression', width: 0 });
  t.false(bad.success);
  t.regex(JSON.stringify(bad.error?.issues), /width/);
  t.false(k.schema.safeParse({ kind: 'mlp-regression', activation: 'relu' }).success);
  t.false(k.schema.safeParse({ kind: 'mlp-regression', domain: [1, -1] }).success);
  t.false(problemKind('pinn-2d').schema.safeParse({ kind: 'pinn-2d', widht: 3 }).success);
});
