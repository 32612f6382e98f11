import test from 'ava';
import { eigSym } from '../../shared/linalg/eig.js';
import { counterKey, TrialStream } from '../../shared/rng/counter.js';
import { drawDense, drawTridiagonal } from '../../shared/trials/ensemble.js';
import {
  clopperPearson,
  deanMajumdarPositiveDefinite,
  definitenessTable,
  estimateProportion,
  exactPositiveDefinite,
  HessianTrialsParams,
  runTrialBatch,
  semicircleBinProbabilities,
  sumBatches,
  type TrialBatchResult,
} from '../../shared/trials/mod.js';
import { betaInc, betaQuantile, logGamma, normalQuantile } from '../../shared/trials/special.js';
import { tridiagonalEigenvalue } from '../../shared/trials/spectrum.js';

const close = (x: number, y: number, rel: number) => Math.abs(x - y) <= rel * Math.abs(y);

test('special functions match SciPy', (t) => {
  // mpmath.loggamma; scipy.special.betainc(a, b, x); scipy.stats.beta.ppf; scipy.stats.norm.ppf.
  t.true(close(logGamma(0.5), 0.5723649429247001, 1e-14));
  t.true(close(logGamma(3.7), 1.428072326665388, 1e-14));
  t.true(close(logGamma(123.4), 469.3360974421906, 1e-14));
  t.true(close(betaInc(0.3, 2.5, 7.5), 0.6789434858661821, 1e-12));
  t.true(close(betaInc(0.334, 1e5, 2e5), 0.7807618138321535, 1e-7));
  t.true(close(betaInc(0.01, 0.5, 0.5), 0.06376856085851985, 1e-12));
  t.true(close(betaQuantile(1e-6, 3, 1e6), 1.8254264542411604e-8, 1e-9));
  t.true(close(betaQuantile(0.5, 1000, 1e6), 0.0009986686835126157, 1e-9));
  t.true(close(normalQuantile(0.975), 1.959963984540054, 1e-15));
  t.true(close(normalQuantile(1e-10), -6.361340902404056, 1e-14));
  t.true(close(normalQuantile(1e-300), -37.0470962993612, 1e-14));
});

test('Clopper–Pearson and Wilson intervals, and the bound when nothing is seen', (t) => {
  // SciPy: beta.ppf(0.025, 3, 8), beta.ppf(0.975, 4, 7); beta.ppf(0.025, 500, 501) and its mirror.
  const [lo, hi] = clopperPearson(3, 10, 0.025);
  t.true(close(lo, 0.06673951117773447, 1e-10) && close(hi, 0.6524528500599973, 1e-10));
  const [l2, h2] = clopperPearson(500, 1000, 0.025);
  t.true(close(l2, 0.46854917297179194, 1e-9) && close(h2, 0.531450827028208, 1e-9));
  t.deepEqual(clopperPearson(0, 10, 0.025)[0], 0);
  t.true(close(clopperPearson(0, 10, 0.025)[1], 0.30849710781876083, 1e-12));
  t.true(close(clopperPearson(10, 10, 0.025)[0], 1 - 0.30849710781876083, 1e-12));
  // The paper's trial had no definite matrix: at T = 10⁶ the one-sided 95% bound is 2.996e-6 ≈ 3/T.
  const none = estimateProportion(0, 1_000_000);
  t.true(close(none.upper, 2.9957277863923437e-6, 1e-9));
  t.is(none.ruleOfThree, 3e-6);
  t.deepEqual(none.wilson[0], 0);
  t.true(none.wilson[1] > 0 && none.wilson[1] < 4e-6);
  const some = estimateProportion(30, 100);
  t.is(some.ruleOfThree, null);
  t.true(some.wilson[0] < 0.3 && some.wilson[1] > 0.3);
  t.true(some.clopperPearson[0] < some.wilson[0] && some.clopperPearson[1] > some.wilson[1]);
  t.throws(() => estimateProportion(5, 3), { message: /0 ≤ count ≤ total/ });
});

test('the Dean–Majumdar law and the exact small-n values', (t) => {
  // θ = ln 3 / 4 = 0.27465307…: P(positive definite) at n = 10 is e^(−27.465…) = 1.1802e-12.
  t.true(close(deanMajumdarPositiveDefinite(10), 1.18023538715738e-12, 1e-12));
  t.is(exactPositiveDefinite('goe', 2), (2 - Math.SQRT2) / 4);
  t.true(close(exactPositiveDefinite('paper', 2) ?? 0, 0.11585224910632946, 1e-13));
  t.is(exactPositiveDefinite('paper', 1), 0.5);
  t.is(exactPositiveDefinite('goe', 3), null);
});

test('params: strict, defaults, and messages that name the field', (t) => {
  const p = HessianTrialsParams.parse({ ensemble: 'goe', n: 4, trials: 10 });
  t.like(p, { method: 'census', model: 'dense', firstTrial: 0, singularTol: 1e-12 });
  const bad = (raw: unknown) => HessianTrialsParams.safeParse(raw).error?.issues ?? [];
  const tri = bad({ ensemble: 'paper', n: 4, trials: 10, model: 'tridiagonal' });
  t.deepEqual(tri[0]?.path, ['model']);
  t.regex(tri[0]?.message ?? '', /ensemble 'paper' has none/);
  t.deepEqual(bad({ ensemble: 'goe', n: 4, trials: 10, seed: 3 })[0]?.code, 'unrecognized_keys');
  t.deepEqual(bad({ ensemble: 'goe', n: 0, trials: 10 })[0]?.path, ['n']);
  t.deepEqual(bad({ ensemble: 'goe', n: 9000, trials: 10 })[0]?.path, ['n']);
  t.deepEqual(bad({ ensemble: 'goe', n: 4, trials: 2 ** 32, firstTrial: 1 })[0]?.path, ['trials']);
  t.deepEqual(bad({ ensemble: 'goe', n: 4, trials: 1, histogram: { bins: 4, range: [1, -1] } })[0]?.path, [
    'histogram',
  ]);
  t.throws(() => runTrialBatch({ key: [1], ensemble: 'paper', n: 3, trials: 1, model: 'tridiagonal' }), {
    message: /tridiagonal/,
  });
});

test('batches are deterministic and sum exactly however a point is split', (t) => {
  const base = { key: [7], ensemble: 'goe' as const, n: 3, method: 'index' as const };
  const whole = runTrialBatch({ ...base, trials: 2000 });
  const parts = [0, 500, 1000, 1500].map((firstTrial) => runTrialBatch({ ...base, firstTrial, trials: 500 }));
  const sum = sumBatches(parts);
  t.deepEqual(sum.counts, whole.counts);
  t.deepEqual(sum.indexHistogram, whole.indexHistogram);
  t.is(sum.trials, 2000);
  t.deepEqual(runTrialBatch({ ...base, trials: 2000 }), whole);
  // The census sees the same matrices as the index method.
  t.deepEqual(runTrialBatch({ ...base, trials: 2000, method: 'census' }).counts, whole.counts);
  // Another key gives other matrices.
  t.notDeepEqual(runTrialBatch({ ...base, key: [8], trials: 2000 }).counts, whole.counts);
  t.throws(() => sumBatches([parts[0], runTrialBatch({ ...base, firstTrial: 499, trials: 2 })]), {
    message: /trials \[499, 500\) of key [0-9a-f]{16} are in more than one batch/,
  });
  t.throws(() => sumBatches([parts[0], runTrialBatch({ ...base, n: 4, trials: 1 })]), {
    message: /differs from \(goe, dense, n = 3\)/,
  });
  t.throws(() => sumBatches([]), { message: /no batches/ });
});

/** P(positive definite) and P(negative definite) against p within 5 standard errors. */
function checkDefiniteRate(t: import('ava').ExecutionContext, r: TrialBatchResult, p: number) {
  const se = Math.sqrt((p * (1 - p)) / r.trials);
  for (const c of ['positiveDefinite', 'negativeDefinite'] as const) {
    const f = r.counts[c] / r.trials;
    t.true(
      Math.abs(f - p) < 5 * se,
      `${r.ensemble} ${r.model} n=${r.n} ${c}: ${f} vs ${p} (5 SE = ${5 * se})`,
    );
  }
}

test('small-n definiteness probabilities match the known values', (t) => {
  // 2·10⁵ trials: SE ≈ 8·10⁻⁴ at p ≈ 0.15; 5 SE bands (fixed seeds).
  const T = 200_000;
  const goe2 = (2 - Math.SQRT2) / 4;
  checkDefiniteRate(t, runTrialBatch({ key: ['known'], ensemble: 'goe', n: 2, trials: T }), goe2);
  checkDefiniteRate(
    t,
    runTrialBatch({ key: ['known'], ensemble: 'goe', n: 2, trials: T, model: 'tridiagonal' }),
    goe2,
  );
  checkDefiniteRate(t, runTrialBatch({ key: ['known'], ensemble: 'paper', n: 1, trials: T }), 0.5);
  checkDefiniteRate(
    t,
    runTrialBatch({ key: ['known'], ensemble: 'paper', n: 2, trials: T }),
    0.11585224910632946,
  );
  // Larger n: never definite in practice; the table reports the one-sided bound.
  const r = runTrialBatch({ key: ['known'], ensemble: 'paper', n: 140, trials: 2000 });
  t.is(r.counts.indefinite, 2000);
  const [row] = definitenessTable([sumBatches([r])]);
  t.true(close(row.definite.upper, 1 - 0.05 ** (1 / 2000), 1e-9));
  t.is(row.deanMajumdar, null);
});

test('dense and tridiagonal GOE have the same index law (chi-square homogeneity, n = 4…6)', (t) => {
  // 20,000 trials per model and n. Bins with fewer than 20 expected are pooled. Critical values are
  // the chi-square 1 − 10⁻⁴ quantiles (SciPy chi2.ppf), so a false alarm has probability 10⁻⁴.
  const critical: Record<number, number> = { 2: 18.42, 3: 21.11, 4: 23.51, 5: 25.74, 6: 27.86 };
  for (const n of [4, 5, 6]) {
    const T = 20_000;
    const dense = runTrialBatch({ key: ['law'], ensemble: 'goe', n, trials: T, method: 'index' })
      .indexHistogram!;
    const tri = runTrialBatch({
      key: ['law'],
      ensemble: 'goe',
      n,
      trials: T,
      method: 'index',
      model: 'tridiagonal',
    }).indexHistogram!;
    // Pool the rare extreme indices (0 and n, the definite ones) into their neighbours.
    const pool = (h: number[]) => [h[0] + h[1], ...h.slice(2, n - 1), h[n - 1] + h[n]];
    const a = pool(dense);
    const b = pool(tri);
    let chi2 = 0;
    for (let i = 0; i < a.length; i++) {
      const e = (a[i] + b[i]) / 2;
      t.true(e >= 20);
      chi2 += ((a[i] - e) ** 2 + (b[i] - e) ** 2) / e;
    }
    const df = a.length - 1;
    t.true(chi2 < critical[df], `n=${n}: chi2 = ${chi2.toFixed(2)} on ${df} df`);
    // The index law is symmetric (A → −A): mean index n/2 within 5 SE (SD ≤ n/2).
    const mean = dense.reduce((s, c, i) => s + c * i, 0) / T;
    t.true(Math.abs(mean - n / 2) < (5 * (n / 2)) / Math.sqrt(T));
  }
});

test('dense and tridiagonal GOE have the same eigenvalue law: E tr H² = n(n+1)/2, E λmax agree', (t) => {
  // n = 8, 4,000 trials each. tr H² and λmax are compared between the models by a two-sample z test
  // (5 SE), and E tr H² also with its exact value; Var tr H² = n(n+1) for both (derivation in
  // fillTridiagonalGoe's comment (shared/trials/tridiagonal-goe.ts): same χ² laws entry by entry).
  const n = 8;
  const T = 4000;
  const dense = new TrialStream(counterKey('eig-law', 'dense'));
  const tri = new TrialStream(counterKey('eig-law', 'tri'));
  const stats = {
    dense: { tr: [] as number[], max: [] as number[] },
    tri: { tr: [] as number[], max: [] as number[] },
  };
  for (let trial = 0; trial < T; trial++) {
    dense.reset(trial);
    const a = drawDense(dense, 'goe', n);
    let tr2 = 0;
    for (const x of a) tr2 += x * x;
    stats.dense.tr.push(tr2);
    stats.dense.max.push(eigSym(a, n).values[n - 1]);
    tri.reset(trial);
    const { diag, offSq } = drawTridiagonal(tri, n);
    let s2 = 0;
    for (let k = 0; k < n; k++) s2 += diag[k] ** 2 + (k < n - 1 ? 2 * offSq[k] : 0);
    stats.tri.tr.push(s2);
    stats.tri.max.push(tridiagonalEigenvalue(diag, offSq, n, n - 1));
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = (xs: number[]) => {
    const m = mean(xs);
    return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
  };
  for (const key of ['tr', 'max'] as const) {
    const x = stats.dense[key];
    const y = stats.tri[key];
    const se = Math.sqrt(variance(x) / T + variance(y) / T);
    t.true(Math.abs(mean(x) - mean(y)) < 5 * se, `${key}: ${mean(x)} vs ${mean(y)}`);
  }
  const exactSe = Math.sqrt((n * (n + 1)) / T);
  t.true(Math.abs(mean(stats.dense.tr) - (n * (n + 1)) / 2) < 5 * exactSe);
  t.true(Math.abs(mean(stats.tri.tr) - (n * (n + 1)) / 2) < 5 * exactSe);
  t.true(Math.abs(variance(stats.tri.tr) - n * (n + 1)) < 0.15 * n * (n + 1));
});

test('eigenvalue histograms approach the semicircle', (t) => {
  // n = 400, 50 trials: 20,000 eigenvalues. At this n the density differs from the semicircle by
  // O(1/n) in the bulk and O(n^(−2/3)) at the edge; 0.01 per bin covers both and the noise
  // (SE ≤ 0.004 per bin, eigenvalues being strongly anti-correlated makes it smaller).
  for (const ensemble of ['paper', 'goe'] as const) {
    const r = 2 * (ensemble === 'goe' ? Math.SQRT1_2 : 1);
    for (const model of ensemble === 'goe' ? (['dense', 'tridiagonal'] as const) : (['dense'] as const)) {
      const trials = model === 'dense' ? 6 : 50;
      const n = model === 'dense' ? 200 : 400;
      const res = runTrialBatch({
        key: ['semicircle'],
        ensemble,
        model,
        n,
        trials,
        method: 'index',
        histogram: { bins: 16, range: [-1.2 * r, 1.2 * r] },
      });
      const h = res.eigenvalueHistogram!;
      const probs = semicircleBinProbabilities(ensemble, h.edges);
      const total = n * trials;
      t.is(h.counts.reduce((s, c) => s + c, 0) + h.below + h.above, total);
      h.counts.forEach((c, b) => {
        t.true(
          Math.abs(c / total - probs[b]) < 0.012,
          `${ensemble} ${model} bin ${b}: ${c / total} vs ${probs[b]}`,
        );
      });
      t.is(res.counts.indefinite, trials);
    }
  }
});
