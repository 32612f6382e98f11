/**
 * Newton and saddle-free Newton with `solver: krylov` (shared/optimizers/krylov.ts) against the
 * dense path on the same tasks: same status, class, trivial flag and iteration count, iterates
 * equal to the solver's tolerance; the spec fields are id-neutral when absent and refused where
 * they do not apply; Eisenstat–Walker forcing saves products.
 */
import test from 'ava';
import { eigSym } from '../../shared/linalg/eig.js';
import { ldlt } from '../../shared/linalg/ldlt.js';
import { minres } from '../../shared/linalg/minres.js';
import { shifted } from '../../shared/linalg/operator.js';
import { damped } from '../../shared/optimizers/curvature.js';
import { eisenstatWalker, krylovNewton, krylovSaddleFree } from '../../shared/optimizers/krylov.js';
import { minimize } from '../../shared/optimizers/minimize.js';
import {
  newton as denseNewton,
  saddleFreeNewton as denseSaddleFree,
} from '../../shared/optimizers/second-order.js';
import { runTask, taskStart } from '../../shared/run-task.js';
import { isInputError } from '../../shared/study/errors.js';
import { expandStudy } from '../../shared/study/plan.js';
import type { Result } from '../../shared/study/result.js';
import { parseSpec } from '../../shared/study/spec.js';
import type { OptimizeTask } from '../../shared/study/task.js';
import { maxRelDiff } from '../helpers/matrices.js';
import { keepsRecordedIds } from '../helpers/plan.js';

type RunResult = Extract<Result, { kind: 'run' }>;

const study = (problem: string, optimizers: string[], seeds: number, maxIter: number) => `
name: krylov-eq
seed: 3
problem: ${problem}
optimizers: [ ${optimizers.join(', ')} ]
seeds: ${seeds}
stop: { gradTol: 1.0e-6, maxIter: ${maxIter} }
record: { historyStride: 1, finalParams: true, spectrum: true }
`;

/** Runs every task of the spec; the optimizers come in (dense, krylov) pairs per seed. */
function pairs(text: string) {
  const rows = expandStudy(parseSpec(text)).map((task) => runTask(task, { worker: 'test' }) as RunResult);
  const out: Array<[RunResult, RunResult]> = [];
  for (let i = 0; i < rows.length; i += 2) out.push([rows[i], rows[i + 1]]);
  return out;
}

/**
 * Step by step along the dense path: from the same iterate, the krylov direction is the dense one
 * to the solver's tolerance times the system's condition (the forward error bound of a residual
 * rtol), for every family, including those whose whole paths are chaotic (below).
 */
const STEP_CASES: Array<[string, number]> = [
  ['{ kind: mlp-regression, width: 6, points: 40 }', 1e-3],
  ['{ kind: mlp-regression, width: 5, depth: 3, activation: sin, init: siren, omega: 2, points: 30 }', 1e-2],
  ['{ kind: mlp-regression, width: 4, fourierFeatures: 3, points: 30 }', 1e-3],
  ['{ kind: pinn-1d, width: 6, points: 30 }', 1],
  ['{ kind: pinn-1d, width: 4, depth: 3, activation: tanh, points: 20 }', 1e-2],
  ['{ kind: pinn-2d, width: 4, grid: 5, fourierFeatures: 2 }', 1],
];
for (const [problem, lambda] of STEP_CASES)
  test(`${problem}, λ = ${lambda}: from the same iterate the krylov step is the dense step to κ·rtol`, (t) => {
    const text = study(problem, ['{ kind: newton }'], 1, 1);
    const { f, x0 } = taskStart(expandStudy(parseSpec(text))[0] as OptimizeTask);
    const rtol = 1e-12;
    const dense = denseNewton({ alpha: 0.5, lambda });
    const kry = krylovNewton({ alpha: 0.5, lambda, rtol });
    let s = dense.init(f, x0);
    let worst = 0;
    for (let k = 0; k < 10; k++) {
      const n = f.dim;
      const m = Float64Array.from(s.hessian);
      for (let i = 0; i < n; i++) m[i * n + i] += lambda;
      const ev = eigSym(m, n).values;
      const kappa = Math.max(Math.abs(ev[0]), Math.abs(ev[n - 1])) / Math.min(...Array.from(ev, Math.abs));
      const d = damped(lambda)(s.hessian, n, s.gradient)!;
      const ks = kry.step(f, kry.init(f, s.x));
      // x_k − x_{k+1} = α d, for both.
      const dk = s.x.map((xi, i) => (xi - ks.x[i]) / 0.5);
      const err = maxRelDiff(d, dk);
      // Near a singular H + λI MINRES's attainable residual can sit just above 1e-12 (ε·κ); the
      // bound is then on the residual it reached.
      const res = Math.max(ks.krylov!.residual, rtol);
      t.true(res <= 1e-8, `MINRES reached ${res} at step ${k}`);
      t.true(err <= 10 * kappa * res + 1e-13, `step ${k}: direction off by ${err}, κ ${kappa}`);
      worst = Math.max(worst, err / (kappa * res));
      s = dense.step(f, s);
    }
    t.log(
      `n ${f.dim}: worst ‖d_krylov − d_dense‖/‖d‖ over 10 steps = ${worst.toFixed(3)} κ·(residual reached)`,
    );
  });

/**
 * Whole runs, on seeds whose dense paths are stable: same status, class, trivial flag and
 * iteration count, and final iterates within 1e-6. (Some paths are chaotic: the depth-3 SIREN of
 * STEP_CASES drifts from 5e-8 to 4e-3 between steps 4 and 8 and ends elsewhere, as the dense path
 * does from a start moved by 1e-12 — see the test below.)
 */
const RUN_CASES: Array<[string, string, number, number]> = [
  ['{ kind: mlp-regression, width: 6, points: 40 }', '{ kind: newton, alpha: 0.5, lambda: 1.0e-3 }', 3, 200],
  ['{ kind: pinn-1d, width: 6, points: 30 }', '{ kind: newton, alpha: 0.5, lambda: 1 }', 2, 100],
  // n = 480: the paper's largest network; a few steps (a dense step is the slow part here).
  ['{ kind: mlp-regression, width: 20, points: 100 }', '{ kind: newton, alpha: 0.5, lambda: 1.0e-3 }', 1, 6],
];

for (const [problem, newton, seeds, maxIter] of RUN_CASES)
  test(`${problem}, ${newton}: krylov and dense Newton runs agree on status, class, trivial flag and iterates`, (t) => {
    const krylov = newton.replace(' }', ', solver: krylov, rtol: 1.0e-12 }');
    for (const [dense, kry] of pairs(study(problem, [newton, krylov], seeds, maxIter))) {
      const a = dense.row;
      const b = kry.row;
      t.is(b.status, a.status);
      t.is(b.iterations, a.iterations);
      t.is(b.point_class, a.point_class);
      t.is(b.trivial, a.trivial);
      t.is(b.n_negative, a.n_negative);
      const dx = maxRelDiff(a.final_params!, b.final_params!);
      let dl = 0;
      for (let k = 0; k < dense.history!.loss.length; k++)
        dl = Math.max(
          dl,
          Math.abs(dense.history!.loss[k] - kry.history!.loss[k]) / Math.max(1, dense.history!.loss[k]),
        );
      t.log(
        `seed ${a.seed}: ${a.status} after ${a.iterations}, ${a.point_class}, trivial ${a.trivial}; Δx ${dx.toExponential(1)}, Δloss ${dl.toExponential(1)}`,
      );
      t.true(dx < 1e-6, `final parameters differ by ${dx}`);
      t.true(dl < 1e-9, `losses differ by ${dl}`);
    }
  });

test('a chaotic dense path: the depth-3 SIREN run moves away from a start perturbed by 1e-12', (t) => {
  const text = study(STEP_CASES[1][0], ['{ kind: newton }'], 1, 1);
  const { f, x0 } = taskStart(expandStudy(parseSpec(text))[0] as OptimizeTask);
  const dense = denseNewton({ alpha: 0.5, lambda: 1e-2 });
  let a = dense.init(f, x0);
  let b = dense.init(
    f,
    x0.map((x, i) => (i === 0 ? x * (1 + 1e-12) : x)),
  );
  for (let k = 0; k < 12; k++) {
    a = dense.step(f, a);
    b = dense.step(f, b);
  }
  const dx = maxRelDiff(a.x, b.x);
  t.log(`after 12 dense steps: Δx ${dx.toExponential(1)} from a 1e-12 change of one parameter`);
  t.true(dx > 1e-6, 'the dense path itself amplifies rounding-size changes');
});

test('the gap between the paths is the solver tolerance: a looser rtol gives a larger one', (t) => {
  const problem = '{ kind: mlp-regression, width: 6, points: 40 }';
  const base = '{ kind: newton, alpha: 0.5, lambda: 1.0e-3 }';
  const gap = (rtol: string) => {
    const [[dense, kry]] = pairs(
      study(problem, [base, base.replace(' }', `, solver: krylov, rtol: ${rtol} }`)], 1, 200),
    );
    return maxRelDiff(dense.row.final_params!, kry.row.final_params!);
  };
  const tight = gap('1.0e-12');
  const loose = gap('1.0e-6');
  t.log(`Δx at rtol 1e-12: ${tight.toExponential(1)}; at 1e-6: ${loose.toExponential(1)}`);
  t.true(loose > 10 * tight);
});

test('saddle-free Newton in a Lanczos subspace: the dense step from the same iterate; the same runs', (t) => {
  const problem = '{ kind: mlp-regression, width: 6, points: 40 }';
  const text = study(problem, ['{ kind: newton }'], 1, 1);
  const { f, x0 } = taskStart(expandStudy(parseSpec(text))[0] as OptimizeTask);
  const p = { alpha: 1, lambda: 1e-4, floor: 1e-3, backtracking: false };
  const dense = denseSaddleFree(p);
  const kry = krylovSaddleFree(p);
  let s = dense.init(f, x0);
  let worst = 0;
  for (let k = 0; k < 8; k++) {
    const next = dense.step(f, s);
    const ks = kry.step(f, kry.init(f, s.x));
    // The subspace is K_n(H, g): invariant by step n at the latest, so the step is the dense one.
    t.true(ks.krylov!.residual < 1e-8, `subspace residual ${ks.krylov!.residual}`);
    worst = Math.max(
      worst,
      maxRelDiff(
        next.x.map((x, i) => s.x[i] - x),
        ks.x.map((x, i) => s.x[i] - x),
      ),
    );
    s = next;
  }
  t.log(`n ${f.dim}: worst relative step difference over 8 steps ${worst.toExponential(1)}`);
  t.true(worst < 1e-8);
  // Whole runs (backtracking on): same status, class and trivial flag, losses to 1e-9. The final
  // points differ by up to 1e-5 along the nearly flat directions of these degenerate end points.
  const sfn = '{ kind: saddle-free-newton, floor: 1.0e-3, lambda: 1.0e-4 }';
  for (const [d, k] of pairs(study(problem, [sfn, sfn.replace(' }', ', solver: krylov }')], 2, 40))) {
    t.is(k.row.status, d.row.status);
    t.is(k.row.point_class, d.row.point_class);
    t.is(k.row.trivial, d.row.trivial);
    let dl = 0;
    for (let i = 0; i < d.history!.loss.length; i++)
      dl = Math.max(dl, Math.abs(d.history!.loss[i] - k.history!.loss[i]));
    t.log(
      `seed ${d.row.seed}: ${d.row.status}, ${d.row.point_class}; Δloss ${dl.toExponential(1)}, Δx ${maxRelDiff(d.row.final_params!, k.row.final_params!).toExponential(1)}`,
    );
    t.true(dl < 1e-9);
  }
});

test('every krylov step records its products and residual; Eisenstat–Walker solves early steps loosely', (t) => {
  const text = study('{ kind: mlp-regression, width: 6, points: 40 }', ['{ kind: newton }'], 1, 200);
  const task = expandStudy(parseSpec(text))[0] as OptimizeTask;
  const run = (forcing: boolean) => {
    const { f, x0 } = taskStart(task);
    const steps: Array<{ iterations: number; residual: number; eta: number }> = [];
    const opt = krylovNewton({
      alpha: 0.5,
      lambda: 1e-3,
      rtol: 1e-10,
      ...(forcing ? { forcing: 'eisenstat-walker' as const } : {}),
    });
    const sol = minimize(opt, f, x0, task.stop, (k, s) => {
      if (k === 0) t.is(s.krylov, undefined, 'the initial state took no step');
      else steps.push({ ...s.krylov!, eta: s.eta });
    });
    return { sol, steps };
  };
  const fixed = run(false);
  const ew = run(true);
  t.is(fixed.sol.status, 'converged');
  t.is(fixed.steps.length, fixed.sol.iterations);
  for (const s of fixed.steps) t.true(s.iterations >= 1 && s.residual <= 1e-10, JSON.stringify(s));
  t.is(ew.steps[0].eta, 0.5);
  for (const s of ew.steps) {
    t.true(s.eta >= 1e-10 && s.eta <= 0.9);
    t.true(s.residual <= s.eta, `residual ${s.residual} above its forcing term ${s.eta}`);
  }
  const first = (r: typeof fixed) => r.steps.slice(0, 5).reduce((a, s) => a + s.iterations, 0);
  t.log(
    `first 5 steps: ${first(fixed)} products at rtol 1e-10, ${first(ew)} with Eisenstat–Walker; ` +
      `runs: ${fixed.sol.status} in ${fixed.sol.iterations}, ${ew.sol.status} in ${ew.sol.iterations}`,
  );
  t.true(first(ew) < first(fixed) / 2);
});

test('Eisenstat–Walker choice 2: η₀ = 0.5, then γ(‖g_k‖/‖g_{k−1}‖)², safeguarded, within [rtol, 0.9]', (t) => {
  t.is(eisenstatWalker(1, Number.NaN, Number.NaN, 1e-10), 0.5);
  t.is(eisenstatWalker(0.1, 1, 0.1, 1e-10), 0.9 * 0.1 ** 2);
  // γ η² = 0.9·0.81 > 0.1: the safeguard keeps η from dropping below it.
  t.is(eisenstatWalker(0.01, 1, 0.9, 1e-10), 0.9 * 0.81);
  t.is(eisenstatWalker(2, 1, 0.5, 1e-10), 0.9);
  t.is(eisenstatWalker(1e-9, 1, 1e-6, 1e-4), 1e-4);
});

test('MINRES on a network Hessian: (H + λI) d = g at a saddle as the dense LDLᵀ solves it', (t) => {
  const text = study('{ kind: pinn-1d, width: 5, points: 20 }', ['{ kind: newton }'], 1, 1);
  const { f, x0 } = taskStart(expandStudy(parseSpec(text))[0] as OptimizeTask);
  const lambda = 1e-2;
  const e = f.evaluate2(x0);
  const m = Float64Array.from(e.hessian);
  for (let i = 0; i < f.dim; i++) m[i * f.dim + i] += lambda;
  const fac = ldlt(m, f.dim);
  t.true(fac.inertia.negative > 0 && fac.inertia.positive > 0, 'an indefinite system');
  const ref = fac.solve(e.gradient);
  const r = minres(shifted(f.linearize!(x0).hessian, lambda), e.gradient, {
    rtol: 1e-12,
    maxIter: 10 * f.dim,
  });
  t.is(r.status, 'converged');
  const dx = maxRelDiff(ref, r.x);
  t.log(
    `n ${f.dim}, inertia ${JSON.stringify(fac.inertia)}, ${r.iterations} iterations, Δ ${dx.toExponential(1)}`,
  );
  t.true(dx < 1e-7);
});

const ids = `
name: krylov-ids
seed: 11
problem: { kind: mlp-regression, width: 4 }
optimizers: [ { kind: newton, alpha: 0.5, lambda: 1.0e-3 }, { kind: saddle-free-newton }, { kind: warm-start, first: { kind: adam }, steps: 2, next: { kind: newton } } ]
seeds: 2
`;

test('solver: a spec without it keeps its task ids; solver: krylov names other tasks', (t) => {
  // Recorded with the code before the solver fields existed (main at 72ff07c).
  const before = [
    'b09cf0b2c168b8383f0b',
    '354a6d8092f2a9a3c9ae',
    '7ce85f30a2f329dbd32c',
    '6e8ebed38fb28b340df8',
    'a54f798e69f55b8d02b3',
    '1316a7d1e893f70b336e',
  ];
  keepsRecordedIds(t, ids, before, ['solver', 'rtol']);
  const kry = expandStudy(parseSpec(ids.replace('lambda: 1.0e-3 }', 'lambda: 1.0e-3, solver: krylov }')));
  t.not(kry[0].id, before[0]);
  t.is(kry[1].id, before[1], 'the other optimizers are the same tasks');
});

const fieldErrors: Array<[string, string, RegExp]> = [
  [
    'rtol on a dense Newton',
    ids.replace('lambda: 1.0e-3 }', 'lambda: 1.0e-3, rtol: 1.0e-8 }'),
    /optimizers\[0\]\.rtol: rtol applies only with solver: krylov/,
  ],
  [
    'forcing with solver: dense',
    ids.replace('lambda: 1.0e-3 }', 'lambda: 1.0e-3, solver: dense, forcing: eisenstat-walker }'),
    /optimizers\[0\]\.forcing: forcing applies only with solver: krylov/,
  ],
  [
    'maxKrylov on a dense saddle-free Newton',
    ids.replace('{ kind: saddle-free-newton }', '{ kind: saddle-free-newton, maxKrylov: 20 }'),
    /optimizers\[1\]\.maxKrylov: maxKrylov applies only with solver: krylov/,
  ],
  [
    'an unknown solver',
    ids.replace('lambda: 1.0e-3 }', 'lambda: 1.0e-3, solver: cg }'),
    /optimizers\[0\]\.solver: must be one of "dense", "krylov"/,
  ],
  [
    'rtol ≥ 1',
    ids.replace('lambda: 1.0e-3 }', 'lambda: 1.0e-3, solver: krylov, rtol: 1 }'),
    /optimizers\[0\]\.rtol: must be < 1/,
  ],
  [
    'rtol on saddle-free Newton',
    ids.replace('{ kind: saddle-free-newton }', '{ kind: saddle-free-newton, solver: krylov, rtol: 1.0e-3 }'),
    /optimizers\[1\]\.rtol: unknown key/,
  ],
];
for (const [what, text, message] of fieldErrors)
  test(`solver fields: ${what} is refused, naming the field`, (t) => {
    const e = t.throws(() => parseSpec(text));
    t.true(isInputError(e));
    t.regex(e!.message, message);
  });

test('the history and runs columns carry the Krylov products and residuals; a dense run has none', (t) => {
  const newton = '{ kind: newton, alpha: 0.5, lambda: 1.0e-3 }';
  const text = study(
    '{ kind: mlp-regression, width: 6, points: 40 }',
    [newton, newton.replace(' }', ', solver: krylov }')],
    1,
    200,
  );
  const [[dense, kry]] = pairs(text);
  const h = kry.history!;
  t.true(Number.isNaN(h.krylov_products[0]) && Number.isNaN(h.krylov_residual[0]), 'iterate 0 took no step');
  let sum = 0;
  for (let k = 1; k < h.iteration.length; k++) {
    t.true(Number.isInteger(h.krylov_products[k]) && h.krylov_products[k] >= 1);
    t.true(h.krylov_residual[k] <= 1e-10);
    sum += h.krylov_products[k];
  }
  t.is(kry.row.krylov_products, sum, 'stride 1: the run total is the sum over its steps');
  t.is(dense.row.krylov_products, null);
  t.true(dense.history!.krylov_products.every(Number.isNaN));
  t.is(dense.row.counts_estimated, false);
  t.is(dense.row.eig_min_residual, null);
});
