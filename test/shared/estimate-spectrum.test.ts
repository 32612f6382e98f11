/**
 * Classification without a dense eigendecomposition (shared/analysis/estimate-spectrum.ts) against
 * the dense one (classify.ts) on network Hessians, at initial points and at the end points of
 * Newton runs (trivial saddles among them), and through runTask with `record.spectrumMethod`.
 */
import test from 'ava';
import { classifyHessian, type PointClass } from '../../shared/analysis/classify.js';
import { classifyFromExtremes, estimateSpectrum } from '../../shared/analysis/estimate-spectrum.js';
import { minimize } from '../../shared/optimizers/minimize.js';
import { makeOptimizer } from '../../shared/optimizers/mod.js';
import { Stream } from '../../shared/rng/stream.js';
import { runTask, taskStart } from '../../shared/run-task.js';
import { expandStudy } from '../../shared/study/plan.js';
import type { Result } from '../../shared/study/result.js';
import { parseSpec } from '../../shared/study/spec.js';
import type { OptimizeTask } from '../../shared/study/task.js';

type RunResult = Extract<Result, { kind: 'run' }>;

const study = (problem: string, newton: string, record = '') => `
name: estimate
seed: 9
problem: ${problem}
optimizers: [ ${newton} ]
seeds: 2
stop: { gradTol: 1.0e-6, maxIter: 150 }
record: { finalParams: true, spectrum: true${record} }
`;

const CASES: Array<[string, string]> = [
  ['{ kind: mlp-regression, width: 8, points: 40 }', '{ kind: newton, alpha: 0.5, lambda: 1.0e-3 }'],
  [
    '{ kind: mlp-regression, width: 6, activation: sin, init: siren, omega: 2, points: 30 }',
    '{ kind: newton, alpha: 0.5, lambda: 1.0e-2 }',
  ],
  ['{ kind: pinn-1d, width: 8, points: 30 }', '{ kind: newton, alpha: 0.5, lambda: 1 }'],
  ['{ kind: pinn-2d, width: 5, grid: 5 }', '{ kind: newton, alpha: 0.5, lambda: 1 }'],
];

for (const [problem, newton] of CASES)
  test(`${problem}: the Lanczos/SLQ estimate classifies as the dense spectrum does`, (t) => {
    for (const task of expandStudy(parseSpec(study(problem, newton))) as OptimizeTask[]) {
      const { f, x0 } = taskStart(task);
      const end = minimize(makeOptimizer(task.optimizer), f, x0, task.stop).last.x;
      for (const [where, x] of [
        ['initial', x0],
        ['final', end],
      ] as const) {
        const dense = classifyHessian(f.evaluate2(x).hessian, f.dim, 1e-6);
        const est = estimateSpectrum(f.linearize!(x).hessian, new Stream('spectrum', task.id), 1e-6);
        const scale = Math.max(Math.abs(dense.eigMin), Math.abs(dense.eigMax));
        const c = est.counts;
        t.log(
          `seed ${task.seed} ${where} (n ${f.dim}): ${dense.pointClass} / ${est.pointClass}; ` +
            `λ_min ${dense.eigMin.toPrecision(6)} θ_min ${est.eigMin.toPrecision(6)} ± ${est.eigMinResidual.toExponential(0)}; ` +
            `negative ${dense.negative} vs ${c.negative.toFixed(1)} ± ${c.stdErr.negative.toFixed(1)}, ` +
            `zero ${dense.zero} vs ${c.zero.toFixed(1)}, ${est.products} products`,
        );
        t.is(est.pointClass, dense.pointClass, `${where} point of seed ${task.seed}`);
        // Rayleigh quotients never pass the true extremes, and the extremes converged.
        t.true(est.eigMin >= dense.eigMin - 1e-12 * scale);
        t.true(est.eigMax <= dense.eigMax + 1e-12 * scale);
        t.true(Math.abs(est.eigMin - dense.eigMin) <= est.eigMinResidual + 1e-9 * scale);
        t.true(Math.abs(est.eigMax - dense.eigMax) <= est.eigMaxResidual + 1e-9 * scale);
        // Counts: the Hutchinson error (four standard errors) plus the quadrature's, stated as
        // 10% of n on these small, clustered spectra; the near-zero count is what SLQ cannot
        // resolve, so it is never below the dense one by more than that.
        t.true(Math.abs(c.negative - dense.negative) <= 4 * c.stdErr.negative + 0.1 * f.dim);
        t.true(c.zero >= dense.zero - 4 * c.stdErr.zero - 0.1 * f.dim);
      }
    }
  });

test('at n = 672, 80 Lanczos steps: the extremes within their residuals, the class of the dense spectrum', (t) => {
  const task = expandStudy(
    parseSpec(
      study(
        '{ kind: mlp-regression, width: 24, points: 60 }',
        '{ kind: newton, alpha: 0.5, lambda: 1.0e-3 }',
      ),
    ),
  )[0] as OptimizeTask;
  const { f, x0 } = taskStart(task);
  const opt = makeOptimizer(task.optimizer);
  const x5 = minimize(opt, f, x0, { ...task.stop, maxIter: 5 }).last.x;
  for (const x of [x0, x5]) {
    const dense = classifyHessian(f.evaluate2(x).hessian, f.dim, 1e-6);
    const est = estimateSpectrum(f.linearize!(x).hessian, new Stream('spectrum', 'n672'), 1e-6);
    const scale = Math.max(Math.abs(dense.eigMin), Math.abs(dense.eigMax));
    t.log(
      `n ${f.dim}: ${dense.pointClass} / ${est.pointClass}; λ_min ${dense.eigMin} θ_min ${est.eigMin} ± ${est.eigMinResidual.toExponential(1)}; ` +
        `λ_max ${dense.eigMax} θ_max ${est.eigMax} ± ${est.eigMaxResidual.toExponential(1)}; negative ${dense.negative} vs ${est.counts.negative.toFixed(1)} ± ${est.counts.stdErr.negative.toFixed(1)}`,
    );
    t.is(est.pointClass, dense.pointClass);
    t.true(est.eigMinResidual > 0, 'a genuine partial Lanczos run');
    t.true(Math.abs(est.eigMin - dense.eigMin) <= est.eigMinResidual + 1e-9 * scale);
    t.true(Math.abs(est.eigMax - dense.eigMax) <= est.eigMaxResidual + 1e-9 * scale);
    t.true(Math.abs(est.counts.negative - dense.negative) <= 4 * est.counts.stdErr.negative + 0.1 * f.dim);
  }
});

test('classifyFromExtremes: both signs beyond the cut, or an extreme within it', (t) => {
  const table: Array<[number, number, number, number, PointClass]> = [
    [-1, 1e-9, 2, 1e-9, 'saddle'],
    [1e-3, 1e-9, 2, 1e-9, 'minimum'],
    [-2, 1e-9, -1e-3, 1e-9, 'maximum'],
    [1e-7, 1e-9, 2, 1e-9, 'degenerate'], // θ_min within 1e-6 · 2
    [-1e-7, 1e-9, 2, 1e-9, 'degenerate'],
    [-2, 1e-9, 1e-7, 1e-9, 'degenerate'],
    [1e-3, 1e-2, 2, 1e-9, 'degenerate'], // θ_min positive, but its residual reaches below the cut
    [0, 0, 0, 0, 'degenerate'],
  ];
  for (const [lo, rl, hi, rh, want] of table)
    t.is(classifyFromExtremes(lo, rl, hi, rh, 1e-6), want, `${lo}, ${hi}`);
});

test("runTask with record.spectrumMethod: lanczos: the dense run's class, reproducible bits, ids unchanged without it", (t) => {
  const problem = '{ kind: mlp-regression, width: 8, points: 40 }';
  const newton = '{ kind: newton, alpha: 0.5, lambda: 1.0e-3 }';
  const dense = expandStudy(parseSpec(study(problem, newton)));
  const est = expandStudy(parseSpec(study(problem, newton, ', spectrumMethod: lanczos')));
  t.false('spectrumMethod' in (dense[0] as OptimizeTask).record, 'absent: nothing written into the task');
  t.not(est[0].id, dense[0].id);
  for (let i = 0; i < dense.length; i++) {
    const a = (runTask(dense[i], { worker: 't' }) as RunResult).row;
    const b = (runTask(est[i], { worker: 't' }) as RunResult).row;
    const b2 = (runTask(est[i], { worker: 't' }) as RunResult).row;
    t.is(b.point_class, a.point_class);
    t.is(b.trivial, a.trivial);
    t.is(b.condition_number, null, 'no condition number from an estimate');
    t.is(b.counts_estimated, true);
    t.is(a.counts_estimated, false);
    t.true(b.eig_min_residual! >= 0 && b.eig_max_residual! >= 0);
    t.is(b.eigenvalues, null);
    t.is(b.spectral_nodes, null, 'the density only with record.eigenvalues');
    t.true(Number.isInteger(b.n_negative) && Number.isInteger(b.n_zero) && Number.isInteger(b.n_positive));
    // Rounded estimates add up to n within the three roundings.
    t.true(
      Math.abs(b.n_negative! + b.n_zero! + b.n_positive! - (a.n_negative! + a.n_zero! + a.n_positive!)) <= 1,
    );
    t.deepEqual({ ...b2, wall_ms: 0 }, { ...b, wall_ms: 0 }, 'same task, same bits');
  }
});

test('with record.eigenvalues an estimated run stores its spectral density: nodes in [eig_min, eig_max], weights summing to 1', (t) => {
  const text = study(
    '{ kind: pinn-1d, width: 8, points: 30 }',
    '{ kind: newton, alpha: 0.5, lambda: 1 }',
    ', spectrumMethod: lanczos, eigenvalues: true',
  );
  const row = (runTask(expandStudy(parseSpec(text))[0], { worker: 't' }) as RunResult).row;
  const nodes = row.spectral_nodes!;
  const weights = row.spectral_weights!;
  t.is(nodes.length, weights.length);
  t.true(nodes.length >= 10, 'ten probes, one node at least each');
  t.true(Math.abs(weights.reduce((s, w) => s + w, 0) - 1) < 1e-12);
  const slack = 1e-9 * Math.max(Math.abs(row.eig_min!), Math.abs(row.eig_max!));
  t.true(
    nodes.every((x) => x >= row.eig_min! - slack && x <= row.eig_max! + slack),
    'Ritz values interlace',
  );
  t.is(row.eigenvalues, null);
});
